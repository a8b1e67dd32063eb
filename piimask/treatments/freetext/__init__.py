"""Free text: the detectors and the redaction chain behind the ``redact`` treatment.

Owns the detector records (``detectors``: name, placeholder, pattern, prefilter, confirmation),
the guarded native redaction chain (``redaction``), the name dictionary (``names`` and
``names.json``) and the optional NER backend (``ner``). May import ``errors`` and ``expr``.
"""
