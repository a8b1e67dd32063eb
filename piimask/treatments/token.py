"""token: a quasi-identifier becomes a keyed token, stable across runs and windows.

token = prefix + "_" + the first 20 hex characters (80 bits) of HMAC-SHA256(token key,
namespace + ":" + value); optionally MAC-shaped or email-shaped. The mapping goes to the vault.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pyspark.sql import Column
from pyspark.sql import functions as F

from piimask.expr.hmac import hmac_sha256_hex
from piimask.expr.values import ascii_substring
from piimask.treatments.base import (
    ColumnSpec,
    DataBrewKeys,
    Invariant,
    Param,
    ParamError,
    RowContext,
    Treatment,
    bad,
)
from piimask.treatments.databrew import step

__all__ = ["MASKED_EMAIL_DOMAIN", "TOKEN_FORMATS", "TOKEN_HEX_CHARS", "TREATMENT", "token", "token_regex"]

TOKEN_HEX_CHARS = 20  # 80 bits
MASKED_EMAIL_DOMAIN = "masked.invalid"  # RFC 2606 reserved: never deliverable
TOKEN_FORMATS = ("plain", "mac", "email")
_PREFIX = re.compile(r"^[a-z][a-z0-9]{0,15}$")
_NAMESPACE = re.compile(r"^[a-z0-9_]{1,64}$")


def token(col: Column, params: Mapping, ipad: Column, opad: Column) -> Column:
    """prefix_ + 20 hex chars of HMAC(token key, namespace:value); MAC- or email-shaped on request."""
    digest = hmac_sha256_hex(
        F.concat(F.lit(params["namespace"] + ":"), col.cast("string")), ipad, opad, n_hex=TOKEN_HEX_CHARS
    )
    hex20 = ascii_substring(digest, 1, TOKEN_HEX_CHARS)
    fmt = params["format"]
    if fmt == "mac":
        # locally administered, unicast first octet: never a vendor's real address
        first = F.conv(ascii_substring(digest, 1, 2), 16, 10).cast("int")
        first = F.lpad(
            F.lower(F.hex(F.bitwise_not(F.lit(0x01)).bitwiseAND(first).bitwiseOR(F.lit(0x02)))),
            2,
            "0",
        )
        octets = [first] + [ascii_substring(digest, 1 + 2 * i, 2) for i in range(1, 6)]
        parts = [octets[0]]
        for octet in octets[1:]:
            parts += [F.lit(":"), octet]
        return F.concat(*parts)  # null for a null value (concat_ws would give "")
    body = F.concat(F.lit(params["prefix"] + "_"), hex20)
    if fmt == "email":
        return F.concat(body, F.lit("@" + MASKED_EMAIL_DOMAIN))
    return body


def token_regex(params: Mapping) -> str:
    """The shape every token of a column with these params has."""
    if params["format"] == "mac":  # locally administered unicast first octet
        return r"^[0-9a-f][26ae](:[0-9a-f]{2}){5}$"
    body = rf"^{params['prefix']}_[0-9a-f]{{{TOKEN_HEX_CHARS}}}"
    if params["format"] == "email":
        return body + "@" + MASKED_EMAIL_DOMAIN.replace(".", r"\.") + "$"
    return body + "$"


def _normalize(params: dict, column: str) -> dict:
    if params["prefix"] is None or not _PREFIX.match(params["prefix"]):
        raise ParamError("prefix", "1-16 lowercase letters/digits starting with a letter", params["prefix"])
    params["namespace"] = params["namespace"] or column.lower()
    if not _NAMESPACE.match(params["namespace"]):
        raise ParamError("namespace", "lowercase letters, digits or _", params["namespace"])
    if params["format"] not in TOKEN_FORMATS:
        raise ParamError("format", "one of " + ", ".join(TOKEN_FORMATS), params["format"])
    return params


def _expression(col: Column, spec: ColumnSpec, ctx: RowContext) -> Column:
    return token(col, spec.params, ctx.token_ipad, ctx.token_opad)


def _invariant(params) -> Invariant:
    rx = token_regex(params)
    return Invariant(
        f"{params['format']} token format",
        lambda c, d: bad(c, c.cast("string").rlike(rx)),
    )


def _words(p: Mapping, rotation: str) -> str:
    shape = {"mac": ", rendered MAC-shaped", "email": ", rendered email-shaped"}.get(p.get("format"), "")
    return f"keyed token `{p.get('prefix')}_` + 20 hex{shape}; raw value kept only in the vault"


def _databrew(spec: ColumnSpec, keys: DataBrewKeys) -> list[dict]:
    return [step("DETERMINISTIC_ENCRYPT", sourceColumns=[spec.name], secretId=keys.token_secret)]


TREATMENT = Treatment(
    name="token",
    buckets=("quasi",),
    expression=_expression,
    words=_words,
    databrew=_databrew,
    params=(Param("prefix", str), Param("namespace", str), Param("format", str, "plain")),
    normalize=_normalize,
    reason="token_format",
    meaning="quasi identifier does not have its token format",
    invariant=_invariant,
    keyed=True,
    class_value=True,
)
