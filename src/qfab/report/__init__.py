"""Presentation of results: text tables and plots (matplotlib, imported lazily)."""
