"""quantum."""
