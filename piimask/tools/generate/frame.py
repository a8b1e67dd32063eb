"""The rows, natively: ``spark.range(N)``, xxhash64-based choices and ``element_at`` on the
driver's pools (constant arrays of structs); no Python UDF runs per row."""

from __future__ import annotations

import json
import math
import zlib

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from piimask.tools.generate.notes import note_and_spans, template_set, with_note_pieces
from piimask.tools.generate.pools import (
    BAD_TIMESTAMPS,
    COLUMNS,
    ERROR_CODES,
    KEY_COLUMNS,
    OFFSETS,
    OPERATOR_SCHEMA,
    OTHER_FIELDS,
    ROWS_PER_FILE,
    SITE_SCHEMA,
    SPAN_DAYS,
    START_DATE,
    TOOL_SCHEMA,
    URL_FORMATS,
    GenerateError,
    card_and_ssn_pools,
    faker_pools,
)

__all__ = ["check_arguments", "generate", "generate_with_labels"]


# ---------------------------------------------------------------- expressions of (seed, row)


def _pool(rows: list[tuple], schema: str) -> Column:
    """A small value pool as one constant array of structs (the optimizer folds the JSON once);
    ``element_at(pool, i + 1)`` then picks a row's entry without a join."""
    names = [field.split(" ")[0] for field in schema.split(", ")]
    text = json.dumps([dict(zip(names, row, strict=True)) for row in rows], ensure_ascii=False)
    return F.from_json(F.lit(text), f"array<struct<{schema}>>")


def _hash(seed: int, salt: str) -> Column:
    """64 bits from (seed, row, salt); the salt enters as its CRC-32, cheaper to hash than text."""
    return F.xxhash64(F.lit(seed), F.col("id"), F.lit(zlib.crc32(salt.encode())))


def _pick(seed: int, salt: str, n: int) -> Column:
    return F.pmod(_hash(seed, salt), F.lit(n)).cast("int")


def _unit(seed: int, salt: str) -> Column:
    """A uniform double in [0, 1) derived from seed, row and salt."""
    return F.pmod(_hash(seed, salt), F.lit(1 << 30)) / float(1 << 30)


def _fixed(value: Column | str, places: int) -> Column:
    """A double as text with exactly ``places`` decimals (half-up), via a decimal cast."""
    value = F.col(value) if isinstance(value, str) else value
    return value.cast(f"decimal(18,{places})").cast("string")


def _choice(seed: int, salt: str, values: list[str]) -> Column:
    return F.element_at(F.array(*[F.lit(v) for v in values]), _pick(seed, salt, len(values)) + 1)


def _hex(seed: int, salt: str) -> Column:
    return F.lower(F.lpad(F.hex(_hash(seed, salt)), 16, "0"))


def _event_id(seed: int) -> Column:
    """UUID-v4 shaped, from two 64-bit hashes of (seed, row): no uuid4, no clock."""
    a, b = _hex(seed, "event_id:a"), _hex(seed, "event_id:b")
    variant = _choice(seed, "event_id:v", ["8", "9", "a", "b"])
    return F.concat_ws(
        "-",
        F.substring(a, 1, 8),
        F.substring(a, 9, 4),
        F.concat(F.lit("4"), F.substring(a, 14, 3)),
        F.concat(variant, F.substring(b, 2, 3)),
        F.substring(b, 5, 12),
    )


def _event_time(seed: int) -> tuple[Column, Column]:
    """(local wall-clock seconds since START_DATE, zone offset text): the UTC instant is uniform
    over SPAN_DAYS; about one row in eight carries a non-UTC offset."""
    utc = F.pmod(_hash(seed, "ts"), F.lit(SPAN_DAYS * 86400))
    zoned = _unit(seed, "ts:zoned") < 0.12
    k = _pick(seed, "ts:offset", len(OFFSETS)) + 1
    shift = F.element_at(F.array(*[F.lit(s) for _, s in OFFSETS]), k)
    label = F.element_at(F.array(*[F.lit(t) for t, _ in OFFSETS]), k)
    return (F.when(zoned, utc + shift).otherwise(utc), F.when(zoned, label).otherwise(F.lit("+00:00")))


def _iso(local: Column, zone: Column) -> Column:
    """ISO-8601 text from _event_time's parts, with no dependence on the session time zone."""
    day = F.date_add(F.lit(START_DATE), F.floor(local / 86400).cast("int")).cast("string")
    sod = F.pmod(local, F.lit(86400))
    hh, mm, ss = (sod / 3600).cast("int"), (F.pmod(sod, F.lit(3600)) / 60).cast("int"), sod % 60
    clock = F.concat_ws(":", *[F.lpad(part.cast("string"), 2, "0") for part in (hh, mm, ss)])
    return F.concat(day, F.lit("T"), clock, zone)


def _ip(seed: int) -> Column:
    """An IPv4 address in a private range, or (one row in four) an IPv6 documentation address."""
    ip4 = F.concat_ws(
        ".",
        _choice(seed, "ip:net", ["10", "172", "192"]),
        *[_pick(seed, f"ip:{i}", 254) + 1 for i in range(3)],
    )
    hextet = [F.lower(F.hex(_pick(seed, f"ip6:{i}", 65536))) for i in range(3)]
    ip6 = F.concat_ws(":", F.lit("2001:db8"), hextet[0], hextet[1], F.lit(""), hextet[2])
    return F.when(_unit(seed, "ip:v6") < 0.25, ip6).otherwise(ip4)


def _url(seed: int) -> Column:
    """A personal URL built on the other operator's mailbox name."""
    local_part = F.lower(F.substring_index(F.col("other_email"), "@", 1))
    url_k = _pick(seed, "url", len(URL_FORMATS)) + 1
    return F.concat(
        F.element_at(F.array(*[F.lit(a) for a, _ in URL_FORMATS]), url_k),
        local_part,
        F.element_at(F.array(*[F.lit(b) for _, b in URL_FORMATS]), url_k),
    )


# ---------------------------------------------------------------- the frame, step by step


def _picks(
    spark: SparkSession,
    rows: int,
    seed: int,
    malformed_rate: float,
    templates: str,
    operators: list[tuple],
    tools: list[tuple],
    n_sites: int,
) -> DataFrame:
    """One row per id: its operator, the other operator named in its note, its tool, a site
    other than the operator's home (or null), its note template, its malformation kind (-1 for
    none) and its event time."""
    n_ops, n_tools = len(operators), len(tools)
    ops = _pool(operators, OPERATOR_SCHEMA)
    parallelism = spark.sparkContext.defaultParallelism
    partitions = parallelism * max(1, math.ceil(rows / (ROWS_PER_FILE * parallelism)))
    # Zipf-like activity: u**3 puts a large share of events on a few operators
    busy = F.floor(F.pow(_unit(seed, "operator"), 3) * n_ops).cast("int")
    own_tool = F.pmod(busy * 3 + _pick(seed, "tool:which", 3), F.lit(n_tools))
    bad = F.when(_unit(seed, "malformed") < malformed_rate, _pick(seed, "malformed:kind", 3))
    local, zone = _event_time(seed)
    return spark.range(0, rows, 1, partitions).select(
        "id",
        F.element_at(ops, busy + 1).alias("_op"),
        F.element_at(ops, _pick(seed, "other", n_ops) + 1).alias("_other"),
        F.element_at(
            _pool(tools, TOOL_SCHEMA),
            F.when(_unit(seed, "tool:own") < 0.9, own_tool).otherwise(_pick(seed, "tool", n_tools)) + 1,
        ).alias("_tool"),
        F.when(_unit(seed, "site:home") >= 0.85, _pick(seed, "site", n_sites)).alias("_site_any"),
        _pick(seed, "notes:template", len(template_set(templates))).alias("_template"),
        F.coalesce(bad, F.lit(-1)).alias("_bad"),
        local.alias("_local"),
        zone.alias("_zone"),
    )


def _expand(df: DataFrame, sites: list[tuple]) -> DataFrame:
    """The picked structs as columns: the operator's, the other operator's (other_*), the
    tool's and the site's (the operator's home site unless _picks chose another)."""
    site = F.coalesce("_site_any", "_op.home_site") + 1
    return df.select(
        "*",
        "_op.*",
        *[F.col(f"_other.op_{name}").alias(f"other_{name}") for name in OTHER_FIELDS],
        "_tool.*",
        F.element_at(_pool(sites, SITE_SCHEMA), site).alias("_site"),
    ).select("*", "_site.*")


def _with_slot_values(df: DataFrame, seed: int) -> DataFrame:
    """The event's position near its site (lat, lon), and values that only notes use: an IP, a
    second serial, a card number, an SSN, a URL and the coordinates as text."""
    lat = F.col("site_lat") + (_unit(seed, "lat") - 0.5) * 0.006
    lon = F.col("site_lon") + (_unit(seed, "lon") - 0.5) * 0.006
    serial2 = F.concat(
        F.lit("DW"), F.lpad(F.pmod(_hash(seed, "serial2"), F.lit(10**10)).cast("string"), 10, "0")
    )
    cards, ssns = card_and_ssn_pools(seed)
    df = df.select(
        "*",
        lat.alias("lat"),
        lon.alias("lon"),
        _ip(seed).alias("ip"),
        serial2.alias("serial2"),
        _choice(seed, "card", cards).alias("card"),
        _choice(seed, "ssn", ssns).alias("ssn"),
        _url(seed).alias("url"),
    )
    return df.withColumn("coords", F.concat_ws(", ", _fixed("lat", 4), _fixed("lon", 4)))


def _values(seed: int, note: Column) -> dict[str, Column]:
    """Each output column's expression, before --null-rate; ``_bad`` picks the malformation:
    0 a bad timestamp, 1 a latitude out of range, 2 an email without its @."""
    torque = F.col("torque_base") * (0.85 + _unit(seed, "torque") * 0.3)
    error = F.when(_unit(seed, "error") < 0.12, _choice(seed, "error:code", ERROR_CODES))
    return {
        "event_id": _event_id(seed),
        "event_ts": F.when(F.col("_bad") == 0, _choice(seed, "bad_ts", BAD_TIMESTAMPS)).otherwise(
            _iso(F.col("_local"), F.col("_zone"))
        ),
        "tool_serial": F.col("tool_serial"),
        "tool_model": F.col("tool_model"),
        "tool_model_name": F.col("tool_model_name"),
        "firmware_version": F.col("firmware_version"),
        "operator_id": F.col("operator_id"),
        "operator_email": F.when(F.col("_bad") == 2, F.regexp_replace("op_email", "@", "")).otherwise(
            F.col("op_email")
        ),
        "operator_name": F.col("op_name"),
        "job_site_id": F.col("job_site_id"),
        "job_site_address": F.col("job_site_address"),
        "gps_lat": F.when(F.col("_bad") == 1, F.lit("123.4")).otherwise(_fixed("lat", 6)),
        "gps_lon": _fixed("lon", 6),
        "battery_pct": F.pmod(_hash(seed, "battery"), F.lit(101)).cast("string"),
        "torque_nm": _fixed(torque, 1),
        "usage_minutes": (F.pmod(_hash(seed, "usage"), F.lit(180)) + 1).cast("string"),
        "error_code": F.coalesce(error, F.lit("")),
        "device_mac": F.col("device_mac"),
        "operator_phone": F.col("op_phone"),
        "operator_age": F.col("op_age"),
        "operator_notes": note,
    }


def _frame(
    spark: SparkSession,
    rows: int,
    seed: int,
    malformed_rate: float,
    null_rate: float,
    templates: str = "dev",
) -> DataFrame:
    """The generated columns plus ``_spans`` (the notes' entity labels), in row-id order."""
    operators, tools, sites = faker_pools(seed, rows)
    df = _picks(spark, rows, seed, malformed_rate, templates, operators, tools, len(sites))
    df = with_note_pieces(_with_slot_values(_expand(df, sites), seed), templates)
    note, spans = note_and_spans()
    values = _values(seed, note)
    if null_rate > 0:
        for name in COLUMNS:
            if name not in KEY_COLUMNS:
                values[name] = F.when(_unit(seed, f"null:{name}") >= null_rate, values[name])
    return df.select(
        *[values[name].cast("string").alias(name) for name in COLUMNS],
        # no label for a null note; a template's unused slots have an empty type
        F.when(
            values["operator_notes"].isNotNull(),
            F.filter(F.array(*spans), lambda span: span["type"] != ""),
        ).alias("_spans"),
    )


# ---------------------------------------------------------------- library API


def check_arguments(rows: int, malformed_rate: float, null_rate: float) -> None:
    """GenerateError unless ``rows`` is a positive integer and both rates are fractions."""
    if not isinstance(rows, int) or rows < 1:
        raise GenerateError(f"--rows must be a positive integer, got {rows!r}.")
    for flag, rate in (("--malformed-rate", malformed_rate), ("--null-rate", null_rate)):
        if not 0.0 <= rate <= 1.0:
            raise GenerateError(f"{flag} must be a fraction between 0 and 1, got {rate!r}.")


def generate_with_labels(
    spark: SparkSession,
    rows: int,
    seed: int = 7,
    malformed_rate: float = 0.0,
    null_rate: float = 0.0,
    templates: str = "dev",
) -> tuple[DataFrame, DataFrame]:
    """(telemetry with COLUMNS, labels with row, start, end, type, text). Both are lazy and
    deterministic, so each may be computed (and written) on its own. ``templates`` picks the
    notes' sentences: "dev" (the default) or "heldout" (never used to tune the detectors)."""
    check_arguments(rows, malformed_rate, null_rate)
    template_set(templates)
    frame = _frame(spark, rows, seed, malformed_rate, null_rate, templates)
    data = frame.select(*COLUMNS)
    labels = frame.select(F.col("event_id").alias("row"), F.inline("_spans"))
    return data, labels


def generate(
    spark: SparkSession, rows: int, seed: int = 7, malformed_rate: float = 0.0, null_rate: float = 0.0
) -> DataFrame:
    """``rows`` rows of synthetic telemetry (all columns strings), in COLUMNS order."""
    return generate_with_labels(spark, rows, seed, malformed_rate, null_rate)[0]
