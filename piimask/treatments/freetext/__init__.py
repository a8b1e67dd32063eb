"""Free text: the detectors and the redaction chain behind the ``redact`` treatment.

Owns the JVM free-text engine's Column functions (``engine``) and its lexicon (``lexicon`` and
``lexicon/``), the cascade's named-entity stage (``cascade``), the Spark-native detector records
(``detectors``: name, placeholder, pattern, prefilter, confirmation) with their guarded redaction
chain (``redaction``) and name dictionary (``names``): the ``patterns`` backend and verify's
second opinion. May import ``errors`` and ``expr``.
"""
