"""The lifecycle of published data: erase a person, re-identify tokens, expire old data.

Owns ``erase`` (GDPR Art. 17: output rows, vault entries and quarantined rows), ``detokenize``
(tokens to raw values through the vault, audited), ``retention`` (shred old window keys, remove
old output rows) and ``rewrite`` (staging an output without some rows, which erase and retention
share). Each change is a ``storage.transaction.StagedTransaction``. May import everything below
it (``frames``, ``storage``, ``keys``, ``rubric``, ``treatments``, ``expr``); never ``job``,
``aws`` or ``tools``.
"""
