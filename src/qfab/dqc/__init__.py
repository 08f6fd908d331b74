"""Distributed quantum computing on networked QPUs: the cluster tier's workloads."""
