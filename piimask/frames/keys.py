"""Key material as frames: the window keys and the token key joined into rows, never into a plan.

The padded key blocks (RFC 2104) travel as binary columns of a small table that the rows join by
their key window; a Spark query plan then names the columns, never the bytes.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from piimask.expr.hmac import pad_key
from piimask.expr.values import epoch_seconds
from piimask.expr.windows import window_id_expr
from piimask.keys.keyring import Keyring
from piimask.rubric import Rubric
from piimask.treatments import RowContext

__all__ = [
    "DIRECT_IPAD",
    "DIRECT_OPAD",
    "KEY_COLUMNS",
    "TOKEN_IPAD",
    "TOKEN_OPAD",
    "WINDOW",
    "keys_frame",
    "row_context",
    "token_key_frame",
    "window_column",
]

WINDOW = "_window"  # the row's key window id (UTC), from the event-time column
DIRECT_IPAD, DIRECT_OPAD = "_d_ipad", "_d_opad"  # the row's window key, padded
TOKEN_IPAD, TOKEN_OPAD = "_t_ipad", "_t_opad"  # the token key, padded
KEY_COLUMNS = (DIRECT_IPAD, DIRECT_OPAD, TOKEN_IPAD, TOKEN_OPAD)


def keys_frame(spark: SparkSession, keyring: Keyring) -> DataFrame:
    """One row per window: ``WINDOW`` and the padded window key and token key."""
    tok = pad_key(keyring.token)
    rows = []
    for window, key in sorted(keyring.direct.items()):
        d = pad_key(key)
        rows.append((window, bytearray(d.ipad), bytearray(d.opad), bytearray(tok.ipad), bytearray(tok.opad)))
    schema = f"{WINDOW} string, " + ", ".join(f"{c} binary" for c in KEY_COLUMNS)
    return spark.createDataFrame(rows, schema)


def token_key_frame(spark: SparkSession, keyring: Keyring) -> DataFrame:
    """One row: the padded token key (``TOKEN_IPAD``, ``TOKEN_OPAD``), for a cross join."""
    tok = pad_key(keyring.token)
    return spark.createDataFrame(
        [(bytearray(tok.ipad), bytearray(tok.opad))], f"{TOKEN_IPAD} binary, {TOKEN_OPAD} binary"
    )


def window_column(df: DataFrame, rubric: Rubric) -> Column:
    """The row's key window (UTC), from the rubric's event-time column."""
    event = rubric.event_time_column
    return window_id_expr(epoch_seconds(F.col(event), df.schema[event].dataType), rubric.rotation)


def row_context(df: DataFrame, rubric: Rubric) -> RowContext:
    """What a treatment may read besides its own column, for rows joined with ``keys_frame``."""
    dtypes = {f.name: f.dataType for f in df.schema.fields}
    present = set(dtypes)
    identifiers = tuple(c for c in rubric.columns if c.bucket in ("direct", "quasi") and c.name in present)
    return RowContext(
        F.col(DIRECT_IPAD),
        F.col(DIRECT_OPAD),
        F.col(TOKEN_IPAD),
        F.col(TOKEN_OPAD),
        lambda name: F.col(f"`{name}`"),
        dtypes,
        identifiers,
    )
