"""Checks with the keyring: every window has a key, digests are their window's HMAC, tokens are
the token key's.

Each is a dataset check (``scope.Check``). The digest check reads the mismatched digests that
``passes.digest_mismatches`` made once (the unkeyed-hash check reads them too); the token check
recomputes the token of every distinct raw value and joins the output's tokens with them.
"""

from __future__ import annotations

from collections.abc import Iterator

from pyspark.sql import functions as F

from piimask.frames.keys import TOKEN_IPAD, TOKEN_OPAD, keys_frame
from piimask.treatments.token import token
from piimask.verify.backend import Finding, cells
from piimask.verify.passes import KEYED_VALUES
from piimask.verify.reasons import Reason
from piimask.verify.report import Result
from piimask.verify.scope import Scope

__all__ = ["digests", "tokens", "windows"]


def windows(s: Scope) -> Iterator[Result]:
    """The keyring has the key of every window that valid input rows fall in."""
    missing = [w for w in s.raw.windows if w not in s.ctx.keyring.direct]
    yield Result.of(
        "keyring has every window",
        "*",
        Reason.KEYRING_WINDOW_MISSING,
        len(missing),
        f"the keyring lacks {len(missing)} window(s) that valid input rows fall in "
        f"({', '.join(missing)}); their digests cannot be recomputed.",
    )


def digests(s: Scope) -> Iterator[Finding]:
    """Every direct cell is the HMAC of a raw value with the key of its row's window."""
    if s.mismatches is None:  # no direct column
        return
    against = s.mismatches.against
    yield Finding(
        Reason.DIGEST_MISMATCH,
        "digest = HMAC with its window's key",
        s.ctx.in_rubric_order("hmac", s.ctx.common),
        lambda c, n: f"{n} row(s) of {c} carry a digest not made with the key of {against}.",
        s.mismatches.frame,
    )


def tokens(s: Scope) -> Iterator[Finding]:
    """Every token cell is the token key's token of a raw value of its column."""
    specs = [t for t in s.ctx.rubric.with_treatment("token") if t.name in s.ctx.common]
    if not specs:
        return
    names = [t.name for t in specs]
    token_keys = F.broadcast(keys_frame(s.ctx.spark, s.ctx.keyring)).select(TOKEN_IPAD, TOKEN_OPAD).limit(1)
    value, ipad, opad = F.col("value"), F.col(TOKEN_IPAD), F.col(TOKEN_OPAD)
    tok = F.coalesce(*[F.when(F.col("column") == t.name, token(value, t.params, ipad, opad)) for t in specs])
    expected, _ = s.backend.small(
        s.raw.of_kind(KEYED_VALUES, names)
        .select("column", "value")
        .crossJoin(F.broadcast(token_keys))
        .select("column", tok.alias("token"))
    )
    yield Finding(
        Reason.TOKEN_MISMATCH,
        "tokens = token key's tokens",
        names,
        lambda c, n: f"{n} row(s) of {c} carry a token that the token key gives no raw {c} value.",
        cells(s.ctx.out, names, key="token").join(expected, on=["column", "token"], how="left_anti"),
    )
