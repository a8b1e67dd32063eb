"""HMAC-SHA256 (RFC 2104) as a Spark Column expression.

Open-source Spark has no ``hmac`` function. When the session has the piimask-spark jar (every
session the kit starts, and the Glue job through ``--extra-jars``) the digest is its Catalyst
expression, which keeps the SHA-256 states of the key blocks between rows (two compressions per
short value instead of four) and takes part in whole-stage code generation. Without the jar the
construction is spelt out with ``sha2``, ``concat`` and ``unhex``. Both give the same bytes
(tests/spark/test_hmac.py); the padded key blocks are computed once on the driver either way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from py4j.java_gateway import JavaClass
from pyspark.sql import Column, SparkSession
from pyspark.sql import functions as F

__all__ = ["PaddedKey", "hmac_sha256_hex", "pad_key"]

BLOCK = 64


@dataclass(frozen=True, repr=False)
class PaddedKey:
    """The two key blocks of RFC 2104: K xor ipad and K xor opad (never printed)."""

    ipad: bytes
    opad: bytes

    def __repr__(self) -> str:  # key material never appears in a repr, log or traceback
        return "PaddedKey(<redacted>)"


def pad_key(key: bytes) -> PaddedKey:
    if len(key) > BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(BLOCK, b"\x00")
    return PaddedKey(bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key))


def _jvm_functions():
    """The jar's ``PiiFunctions`` class in the running session, or None without the jar."""
    spark = SparkSession.getActiveSession() or SparkSession._instantiatedSession
    if spark is None:
        return None
    found = getattr(spark, "_piimask_hmac_functions", False)
    if found is False:  # looked up once per session: py4j answers a JavaPackage for a missing class
        candidate = spark._jvm.io.piimask.spark.PiiFunctions
        found = candidate if isinstance(candidate, JavaClass) else None
        spark._piimask_hmac_functions = found
    return found


def hmac_sha256_hex(
    value: Column, ipad: Column, opad: Column, *, binary: bool = False, n_hex: int = 64, native: bool = False
) -> Column:
    """Lowercase hex HMAC-SHA256 of ``value`` (a string, UTF-8 encoded; raw bytes if ``binary``),
    its first ``n_hex`` characters.

    ``ipad`` and ``opad`` are binary columns holding the padded key blocks (see ``pad_key``);
    the job brings them in through a broadcast join so no key byte ever appears in a query plan.
    A null value gives a null digest. ``native`` spells it out in Spark functions even when the
    jar is there (the tests compare the two).
    """
    functions = None if native else _jvm_functions()
    if functions is not None:
        data = value if binary else value.cast("string")
        return Column(functions.hmacSha256Hex(data._jc, ipad._jc, opad._jc, n_hex))
    # A Spark string is UTF-8 bytes already: the cast hands them over as they are. `encode`
    # decoded them to a Java string and encoded that again, looking the charset up by name on
    # every row, and it
    # turned bytes that are not UTF-8 (Parquet written by other tools may hold them) into U+FFFD,
    # so that two different such values shared one digest.
    data = value if binary else value.cast("binary")
    inner = F.unhex(F.sha2(F.concat(ipad, data), 256))
    digest = F.sha2(F.concat(opad, inner), 256)
    return digest if n_hex == 64 else F.substring(digest, 1, n_hex)
