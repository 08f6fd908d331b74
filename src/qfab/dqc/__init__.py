"""Distributed quantum computing: circuits and error correction spread over several QPU modules."""
