"""Keys: the keyring (per-window direct keys and the token key) and `pii-mask keys`.

Owns loading and saving keyrings on file:, env: and secretsmanager: references, key ids (public
fingerprints), rotation and shredding (``keyring``), and the command (``cli``). Key bytes never
appear in a repr, message, log or record. May import ``errors``, ``expr`` and ``rubric``.
"""
