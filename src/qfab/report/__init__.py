"""Presentation of results: text tables (plots come later)."""
