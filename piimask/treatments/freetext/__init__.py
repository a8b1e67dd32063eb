"""treatments/freetext."""
