"""The floor under the masking job: the digests and tokens the rubric asks for, and nothing else.

Whatever else an implementation of the rubric does, it must read every row, hash every direct
identifier with its window's key, tokenize every quasi-identifier, and write an output whose hex
digests make it about three times the input's size. ``build`` does exactly that with the kit's
own treatments (the native RFC 2104 construction of ``piimask.hmac``, keys joined in by window)
and copies every other column unchanged: no validation, quarantine, generalization, redaction,
vault or k-anonymity. It is a lower bound to read the job's time against, not a masking job, and
is kept in ``benchmarks/`` only. ``tests/test_floor.py`` checks its digests and tokens
equal the job's.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from piimask.frames.keys import WINDOW, keys_frame, row_context, window_column
from piimask.keys.keyring import Keyring
from piimask.rubric import Rubric
from piimask.treatments import treat

KEYED = ("hmac", "token")


def build(df: DataFrame, rubric: Rubric, keyring: Keyring) -> DataFrame:
    """``df`` with its direct and quasi columns hashed and tokenized as the job does."""
    keys = F.broadcast(keys_frame(df.sparkSession, keyring))
    keyed = df.withColumn(WINDOW, window_column(df, rubric)).join(keys, on=WINDOW, how="left")
    ctx = row_context(keyed, rubric)
    known = set(rubric.names)
    exprs = []
    for name in df.columns:
        spec = rubric.column(name) if name in known else None
        exprs.append(treat(spec, ctx) if spec and spec.treatment in KEYED else F.col(f"`{name}`"))
    return keyed.select(*exprs)
