"""Storage: where datasets live and how they are published.

Owns locations (``paths``: local or URI, normalized, containment), the Hadoop FileSystem wrapper
(``fs.Storage``: exists, list, read, write, copy, rename, publish) and the staged transaction
(``transaction``). Knows nothing of rubrics, treatments or Spark DataFrames' contents; may import
only ``piimask.errors``.
"""
