"""Unit tests: pure Python, no SparkSession (marker ``unit``)."""
