"""Spark tests: small frames on the shared session-scoped local[2] SparkSession (marker ``spark``)."""
