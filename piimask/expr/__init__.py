"""Native Spark Column building blocks that know nothing of the rubric.

Owns HMAC-SHA256 as a native expression (``hmac``), parsing raw values into typed columns
independent of the session time zone (``values``) and key-window ids in Python and as
expressions (``windows``). May import ``errors`` only.
"""
