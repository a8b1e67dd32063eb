"""HMAC-SHA256 (RFC 2104) as a native Spark Column expression.

Open-source Spark has no ``hmac`` function, so the construction is spelt out with ``sha2``,
``concat`` and ``unhex``; the padded key blocks are computed once on the driver.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from pyspark.sql import Column
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


def hmac_sha256_hex(value: Column, ipad: Column, opad: Column, *, binary: bool = False) -> Column:
    """Lowercase hex HMAC-SHA256 of ``value`` (a string, UTF-8 encoded; raw bytes if ``binary``).

    ``ipad`` and ``opad`` are binary columns holding the padded key blocks (see ``pad_key``);
    the job brings them in through a broadcast join so no key byte ever appears in a query plan.
    A null value gives a null digest.
    """
    # A Spark string is UTF-8 bytes already: the cast hands them over as they are. `encode`
    # decoded them to a Java string and encoded that again, looking the charset up by name on
    # every row, and it
    # turned bytes that are not UTF-8 (Parquet written by other tools may hold them) into U+FFFD,
    # so that two different such values shared one digest.
    data = value if binary else value.cast("binary")
    inner = F.unhex(F.sha2(F.concat(ipad, data), 256))
    return F.sha2(F.concat(opad, inner), 256)
