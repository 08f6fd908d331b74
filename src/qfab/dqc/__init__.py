"""Distributed quantum computing: circuits run on networked processors over delivered pairs."""
