"""Synthetic tool telemetry with a realistic PII surface, and its labelled ground truth.

Faker value pools (operators, tools, job sites) are built on the driver from the seed, turned into
constant arrays of structs, and expanded to N rows natively: ``spark.range(N)``, xxhash64-based
choices and ``element_at`` on the pools; no Python UDF runs per row. ``operator_notes`` is built
from templates with ``concat``, and each template's entity spans come from the lengths of its
pieces, so the labels are exact. The same seed, row count and Faker version give the same rows, byte for byte.

Regenerate the committed sample::

    python data/generate_synthetic.py --rows 300 --seed 7 --format csv --single-file \\
        --output data/sample_tool_telemetry.csv --labels data/sample_tool_telemetry.labels.jsonl
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import random
import string
import zlib
from pathlib import Path

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from piimask.errors import UsageError

__all__ = [
    "COLUMNS",
    "ENTITY_TYPES",
    "GenerateError",
    "add_arguments",
    "generate",
    "generate_with_labels",
    "main",
    "write",
    "write_labels",
]

COLUMNS = [
    "event_id",
    "event_ts",
    "tool_serial",
    "tool_model",
    "tool_model_name",
    "firmware_version",
    "operator_id",
    "operator_email",
    "operator_name",
    "job_site_id",
    "job_site_address",
    "gps_lat",
    "gps_lon",
    "battery_pct",
    "torque_nm",
    "usage_minutes",
    "error_code",
    "device_mac",
    "operator_phone",
    "operator_age",
    "operator_notes",
]
KEY_COLUMNS = ("event_id", "event_ts")  # never nulled by --null-rate
ENTITY_TYPES = (
    "PERSON",
    "EMAIL",
    "PHONE",
    "ADDRESS",
    "SERIAL",
    "COORDINATES",
    "IP",
    "MAC",
    "CARD",
    "SSN",
    "URL",
)
TEMPLATE_SETS = ("dev", "heldout")
FORMATS = ("csv", "parquet", "json")
SINGLE_FILE_MAX_ROWS = 200_000
# Rows per written file (the file count is a multiple of the cores): about 57 MB of Parquet,
# one row group, as a data lake holds bounded files. (With one file per million rows the 4M-row
# benchmark read row groups twice the size of the 1M-row one's; that was not what grew the job's
# memory: benchmarks/HISTORY.md.)
ROWS_PER_FILE = 500_000

LOCALES = ("en_US", "en_US", "en_US", "de_DE", "fr_FR", "es_ES", "ja_JP")
MODELS = [  # code, marketing name, typical torque (N m)
    ("DCD800", "20V MAX Drill", 42.0),
    ("DCF887", "20V MAX Impact Driver", 70.0),
    ("DCF899", "20V MAX Impact Wrench", 89.0),
    ("DCS577", "FLEXVOLT Worm Drive Saw", 15.0),
    ("DCG416", "20V MAX Grinder", 9.0),
    ("DCH273", "20V MAX Rotary Hammer", 30.0),
    ("DCS367", "20V MAX Reciprocating Saw", 12.0),
    ("DCF809", "20V MAX Compact Impact Driver", 65.0),
]
FIRMWARE = ["2.4.1", "2.5.0", "2.5.1", "2.6.0-rc2"]
ERROR_CODES = ["E001_LOW_BATT", "E014_OVERTORQUE", "E022_TEMP_HIGH", "E031_MOTOR_STALL", "E045_COMM_LOST"]
CITIES = [  # city, state, latitude, longitude, area codes
    ("Portland", "OR", 45.5152, -122.6784, (503, 971)),
    ("Seattle", "WA", 47.6062, -122.3321, (206, 425)),
    ("New York", "NY", 40.7128, -74.0060, (212, 718)),
    ("Chicago", "IL", 41.8781, -87.6298, (312, 773)),
    ("Denver", "CO", 39.7392, -104.9903, (303, 720)),
    ("Austin", "TX", 30.2672, -97.7431, (512, 737)),
    ("Houston", "TX", 29.7604, -95.3698, (713, 832)),
    ("Phoenix", "AZ", 33.4484, -112.0740, (602, 480)),
    ("Atlanta", "GA", 33.7490, -84.3880, (404, 678)),
    ("Boston", "MA", 42.3601, -71.0589, (617, 857)),
    ("Miami", "FL", 25.7617, -80.1918, (305, 786)),
    ("Minneapolis", "MN", 44.9778, -93.2650, (612, 763)),
    ("San Diego", "CA", 32.7157, -117.1611, (619, 858)),
    ("Salt Lake City", "UT", 40.7608, -111.8910, (801, 385)),
    ("Nashville", "TN", 36.1627, -86.7816, (615, 629)),
    ("Charlotte", "NC", 35.2271, -80.8431, (704, 980)),
]
OPERATOR_SCHEMA = (
    "op_idx int, operator_id string, op_first string, op_last string, op_name string, "
    "op_email string, op_phone string, op_age string, home_site int"
)
TOOL_SCHEMA = (
    "tool_idx int, tool_serial string, tool_model string, tool_model_name string, "
    "firmware_version string, device_mac string, torque_base double"
)
SITE_SCHEMA = "site_idx int, job_site_id string, job_site_address string, site_lat double, site_lon double"
OTHER_FIELDS = ("first", "name", "email", "phone")  # another operator, named in notes
START_DATE = dt.date(2025, 1, 1)  # events span six quarters: 2025Q1 .. 2026Q2
SPAN_DAYS = (dt.date(2026, 7, 1) - START_DATE).days
OFFSETS = [("-07:00", -25200), ("-05:00", -18000), ("+01:00", 3600), ("+05:30", 19800)]
BAD_TIMESTAMPS = ["not-a-date", "yesterday 14:00", "2026-13-45T99:61:00+00:00"]


class GenerateError(UsageError):
    """Bad generator arguments or an output that cannot be written (exit 2)."""


# ---------------------------------------------------------------- driver-side pools (Faker)


def _sizes(rows: int) -> tuple[int, int, int]:
    operators = max(20, min(5000, rows // 50))
    tools = max(24, min(5000, rows // 40))
    sites = max(8, min(60, rows // 5000))
    return operators, tools, sites


def _email_part(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum() or c in ".-")


def _phone(rng: random.Random, area: int) -> str:
    exchange, line = rng.randint(201, 989), rng.randint(0, 9999)
    style = rng.randrange(4)
    if style == 0:
        return f"({area}) {exchange}-{line:04d}"
    if style == 1:
        return f"{area}-{exchange}-{line:04d}"
    if style == 2:
        return f"+1 {area} {exchange} {line:04d}"
    return f"+1{area}{exchange}{line:04d}"


def _pools(seed: int, rows: int) -> tuple[list[tuple], list[tuple], list[tuple]]:
    from faker import Faker

    n_ops, n_tools, n_sites = _sizes(rows)
    rng = random.Random(seed)
    fakers = {}
    for i, locale in enumerate(dict.fromkeys(LOCALES)):
        fakers[locale] = Faker(locale)
        fakers[locale].seed_instance(seed * 1000 + i)
    us = fakers["en_US"]

    sites = []
    for i, site_no in enumerate(sorted(rng.sample(range(1, 1000), n_sites))):
        city, state, lat, lon, _ = CITIES[i % len(CITIES)] if i < len(CITIES) else rng.choice(CITIES)
        street = f"{us.building_number()} {us.street_name()}"
        zip_code = f" {us.zipcode_in_state(state)}" if rng.random() < 0.8 else ""
        address = f"{street}, {city}, {state}{zip_code}"
        lat, lon = lat + rng.uniform(-0.05, 0.05), lon + rng.uniform(-0.05, 0.05)
        sites.append((i, f"JS-{site_no:03d}", address, lat, lon))

    operators, emails = [], set()
    for i, op_no in enumerate(rng.sample(range(10000, 100000), n_ops)):
        locale = rng.choice(LOCALES)
        fake = fakers[locale]
        first, last = fake.first_name(), fake.last_name()
        if locale == "ja_JP":
            if rng.random() < 0.5:  # romanized name
                first, last = fake.first_romanized_name(), fake.last_romanized_name()
                local = f"{first}.{last}"
            else:  # kanji name, romanized mailbox
                local = f"{fake.first_romanized_name()}.{fake.last_romanized_name()}"
        else:
            local = f"{first}.{last}"
        domain = fake.free_email_domain() if rng.random() < 0.4 else us.domain_name()
        email = f"{_email_part(local)}@{domain}"
        while email in emails:
            email = f"{_email_part(local)}{rng.randint(2, 99)}@{domain}"
        emails.add(email)
        home = rng.randrange(n_sites)
        area = rng.choice(CITIES[home % len(CITIES)][4])
        operators.append(
            (
                i,
                f"OP-{op_no}",
                first,
                last,
                f"{first} {last}",
                email,
                _phone(rng, area),
                str(rng.randint(18, 70)),
                home,
            )
        )

    tools = []
    for i, serial in enumerate(rng.sample(range(10**10), n_tools)):
        code, name, torque = rng.choice(MODELS)
        mac = ":".join(f"{rng.randrange(256):02x}" for _ in range(6))
        mac = mac.upper() if rng.random() < 0.3 else mac
        tools.append((i, f"DW{serial:010d}", code, name, rng.choice(FIRMWARE), mac, torque))
    return operators, tools, sites


# ---------------------------------------------------------------- native row expansion


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


# operator_notes: every template holds at most three entities, "{slot}" placeholders
SLOTS = {  # placeholder -> entity type; each is a column of the joined frame
    "op_name": "PERSON",
    "op_first": "PERSON",
    "op_email": "EMAIL",
    "op_phone": "PHONE",
    "other_name": "PERSON",
    "other_first": "PERSON",
    "other_email": "EMAIL",
    "other_phone": "PHONE",
    "job_site_address": "ADDRESS",
    "tool_serial": "SERIAL",
    "serial2": "SERIAL",
    "coords": "COORDINATES",
    "ip": "IP",
    "device_mac": "MAC",
    "card": "CARD",
    "ssn": "SSN",
    "url": "URL",
}
TEMPLATES = [
    "",
    "Battery swapped by {op_name}, tool {tool_serial} back in service.",
    "{op_first} reported the grip slipping; call back at {op_phone}.",
    "Handed the tool to {other_name} ({other_email}) at end of shift.",
    "Site contact: {other_name}, {other_phone}. Deliver to {job_site_address}.",
    "Tool {tool_serial} dropped near {coords}; {op_first} checked it, no damage.",
    "Firmware update failed from {ip}, MAC {device_mac}. Ticket opened by {op_email}.",
    "Torque check ok\nSigned off: {op_name}\nReviewed by {other_name}",
    "No issues.",
    "Per {other_first}, send the invoice to {op_email} or text {op_phone}.",
    'Left at "{job_site_address}" with {other_name}. Gate code is with {op_first}.',
    "Gateway {ip} lost sync with {device_mac}; {op_name} restarted it, twice.",
    "Loaner {serial2} issued to {other_name}, return to {op_name} by Friday.",
    "Calibrated at {coords} by {op_first}.\nNext check in 30 days.",
    "Customer {other_name} <{other_email}> asked about warranty, phone {other_phone}.",
    "Charged overnight, all good.",
    "Reminder for {op_name}: bring {tool_serial} to {job_site_address} on Monday, 7am.",
    "Paid the deposit with card {card}; receipt to {op_email}.",
    "HR form for {other_name}: SSN {ssn}, badge pending.",
    "Profile of {other_name}: {url}",
    "Remote session from {ip} opened by {op_name}, error E-204 cleared.",
    "Tool DCD791 loaned to {other_name}; contact {other_phone}.",
]
# held out of development: the detectors were never tuned against these sentences
HELDOUT_TEMPLATES = [
    "Spoke w/ {other_name} re: overdue return, will follow up.",
    "cc {other_email}; escalated by {op_name}",
    "Customer paid by card, full number {card}, refund pending",
    "Employee {other_name} ssn {ssn} needs a new badge",
    "Dispatcher said call {other_phone} when {op_first} gets to {job_site_address}",
    "Tool left in the truck at {coords}, owner {other_name}",
    "Debug log uploaded to {url} from {ip}",
    "Bluetooth pairing with {device_mac} failed twice; {other_first} will retry tomorrow.",
    "Swap {tool_serial} for {serial2}, approved by {other_name}.",
    "{other_name} called from {other_phone} about the missing charger.",
    "Meet {other_first} at {job_site_address} before 8.",
    "Please ask {other_name} to sign the E-204 form for model DCD791.",
    "nothing to report",
    "Thanks {other_first}! Blade changed, guard OK.",
]
MAX_SLOTS = 3


def _split(template: str) -> tuple[list[str], list[str]]:
    """'a {x} b' -> texts ['a ', ' b', '', ''] and slots ['x', '', ''] (padded to MAX_SLOTS)."""
    texts, slots = [], []
    for text, slot, _, _ in string.Formatter().parse(template):
        texts.append(text)
        if slot is not None:
            slots.append(slot)
    if len(texts) == len(slots):
        texts.append("")
    if len(slots) > MAX_SLOTS or any(slot not in SLOTS for slot in slots):
        raise ValueError(f"template with unknown or too many slots: {slots}")
    pad = MAX_SLOTS - len(slots)
    return texts + [""] * pad, slots + [""] * pad


def _templates(templates: str) -> list[str]:
    if templates not in TEMPLATE_SETS:
        raise GenerateError(f"--templates must be one of {', '.join(TEMPLATE_SETS)}, got {templates!r}.")
    return TEMPLATES if templates == "dev" else HELDOUT_TEMPLATES


def _notes(template: Column, templates: str = "dev") -> tuple[Column, list[tuple[Column, Column, Column]]]:
    """(texts t0..t3, entity values e1..e3 with their types) for the chosen template: the note
    is t0 e1 t1 e2 t2 e3 t3, so each span's offsets are sums of the pieces' lengths."""
    split = [_split(t) for t in _templates(templates)]
    k = template + 1
    texts = [F.element_at(F.array(*[F.lit(t[i]) for t, _ in split]), k) for i in range(MAX_SLOTS + 1)]
    names = [""] + list(SLOTS)
    values = F.array(F.lit(""), *[F.col(name) for name in SLOTS])
    entities = []
    for i in range(MAX_SLOTS):
        index = F.element_at(F.array(*[F.lit(names.index(s[i]) + 1) for _, s in split]), k)
        kind = F.element_at(F.array(*[F.lit(SLOTS.get(s[i], "")) for _, s in split]), k)
        entities.append((F.element_at(values, index), kind))
    return texts, entities


def _card(rng: random.Random) -> str:
    """A Luhn-valid test card number (Visa, Mastercard, Amex or Discover) in a common layout."""
    prefix, length = rng.choice([("4", 16), ("51", 16), ("55", 16), ("37", 15), ("6011", 16)])
    digits = [int(c) for c in prefix] + [rng.randrange(10) for _ in range(length - len(prefix) - 1)]
    total = sum(d if i % 2 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(reversed(digits)))
    number = "".join(map(str, digits)) + str((10 - total % 10) % 10)
    sep = rng.choice([" ", "-", ""])
    groups = (4, 6, 5) if length == 15 else (4, 4, 4, 4)
    parts, at = [], 0
    for g in groups:
        parts.append(number[at : at + g])
        at += g
    return sep.join(parts)


def _ssn(rng: random.Random) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    sep = rng.choice(["-", "-", " "])
    return f"{area:03d}{sep}{rng.randint(1, 99):02d}{sep}{rng.randint(1, 9999):04d}"


URL_FORMATS = [
    ("https://www.linkedin.com/in/", ""),
    ("https://github.com/", ""),
    ("https://intranet.example.com/~", "/timesheet"),
    ("https://crew.example.com/people/", "/shifts"),
    ("https://portal.example.com/profile?user=", ""),
]


def _frame(
    spark: SparkSession,
    rows: int,
    seed: int,
    malformed_rate: float,
    null_rate: float,
    templates: str = "dev",
) -> DataFrame:
    """The generated columns plus ``_spans`` (the notes' entity labels), in row-id order."""
    operators, tools, sites = _pools(seed, rows)
    n_ops, n_tools, n_sites = len(operators), len(tools), len(sites)
    ops = _pool(operators, OPERATOR_SCHEMA)
    parallelism = spark.sparkContext.defaultParallelism
    partitions = parallelism * max(1, math.ceil(rows / (ROWS_PER_FILE * parallelism)))
    # Zipf-like activity: u**3 puts a large share of events on a few operators
    busy = F.floor(F.pow(_unit(seed, "operator"), 3) * n_ops).cast("int")
    own_tool = F.pmod(busy * 3 + _pick(seed, "tool:which", 3), F.lit(n_tools))
    bad = F.when(_unit(seed, "malformed") < malformed_rate, _pick(seed, "malformed:kind", 3))
    local, zone = _event_time(seed)
    df = spark.range(0, rows, 1, partitions).select(
        "id",
        F.element_at(ops, busy + 1).alias("_op"),
        F.element_at(ops, _pick(seed, "other", n_ops) + 1).alias("_other"),
        F.element_at(
            _pool(tools, TOOL_SCHEMA),
            F.when(_unit(seed, "tool:own") < 0.9, own_tool).otherwise(_pick(seed, "tool", n_tools)) + 1,
        ).alias("_tool"),
        F.when(_unit(seed, "site:home") >= 0.85, _pick(seed, "site", n_sites)).alias("_site_any"),
        _pick(seed, "notes:template", len(_templates(templates))).alias("_template"),
        F.coalesce(bad, F.lit(-1)).alias("_bad"),
        local.alias("_local"),
        zone.alias("_zone"),
    )
    site = F.coalesce("_site_any", "_op.home_site") + 1
    df = df.select(
        "*",
        "_op.*",
        *[F.col(f"_other.op_{name}").alias(f"other_{name}") for name in OTHER_FIELDS],
        "_tool.*",
        F.element_at(_pool(sites, SITE_SCHEMA), site).alias("_site"),
    ).select("*", "_site.*")

    lat = F.col("site_lat") + (_unit(seed, "lat") - 0.5) * 0.006
    lon = F.col("site_lon") + (_unit(seed, "lon") - 0.5) * 0.006
    ip = F.concat_ws(
        ".",
        _choice(seed, "ip:net", ["10", "172", "192"]),
        *[_pick(seed, f"ip:{i}", 254) + 1 for i in range(3)],
    )
    serial2 = F.concat(
        F.lit("DW"), F.lpad(F.pmod(_hash(seed, "serial2"), F.lit(10**10)).cast("string"), 10, "0")
    )
    hextet = [F.lower(F.hex(_pick(seed, f"ip6:{i}", 65536))) for i in range(3)]
    ip6 = F.concat_ws(":", F.lit("2001:db8"), hextet[0], hextet[1], F.lit(""), hextet[2])
    ip = F.when(_unit(seed, "ip:v6") < 0.25, ip6).otherwise(ip)
    extra = random.Random(seed * 7919 + 17)  # cards and SSNs: their own stream, pools unchanged
    cards, ssns = [_card(extra) for _ in range(40)], [_ssn(extra) for _ in range(40)]
    local_part = F.lower(F.substring_index(F.col("other_email"), "@", 1))
    url_k = _pick(seed, "url", len(URL_FORMATS)) + 1
    url = F.concat(
        F.element_at(F.array(*[F.lit(a) for a, _ in URL_FORMATS]), url_k),
        local_part,
        F.element_at(F.array(*[F.lit(b) for _, b in URL_FORMATS]), url_k),
    )
    df = df.select(
        "*",
        lat.alias("lat"),
        lon.alias("lon"),
        ip.alias("ip"),
        serial2.alias("serial2"),
        _choice(seed, "card", cards).alias("card"),
        _choice(seed, "ssn", ssns).alias("ssn"),
        url.alias("url"),
    )
    df = df.withColumn("coords", F.concat_ws(", ", _fixed("lat", 4), _fixed("lon", 4)))
    texts, entities = _notes(F.col("_template"), templates)
    df = df.select(
        "*",
        *[t.alias(f"_t{i}") for i, t in enumerate(texts)],
        *[e.alias(f"_e{i}") for i, (e, _) in enumerate(entities)],
        *[kind.alias(f"_k{i}") for i, (_, kind) in enumerate(entities)],
    )
    pieces, spans, offset = [F.col("_t0")], [], F.length("_t0")
    for i in range(MAX_SLOTS):
        value = F.col(f"_e{i}")
        end = offset + F.length(value)
        spans.append(
            F.struct(
                offset.alias("start"), end.alias("end"), F.col(f"_k{i}").alias("type"), value.alias("text")
            )
        )
        pieces += [value, F.col(f"_t{i + 1}")]
        offset = end + F.length(f"_t{i + 1}")

    torque = F.col("torque_base") * (0.85 + _unit(seed, "torque") * 0.3)
    error = F.when(_unit(seed, "error") < 0.12, _choice(seed, "error:code", ERROR_CODES))
    values = {
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
        "operator_notes": F.concat(*pieces),
    }
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


def _check(rows: int, malformed_rate: float, null_rate: float) -> None:
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
    _check(rows, malformed_rate, null_rate)
    _templates(templates)
    frame = _frame(spark, rows, seed, malformed_rate, null_rate, templates)
    data = frame.select(*COLUMNS)
    labels = frame.select(F.col("event_id").alias("row"), F.inline("_spans"))
    return data, labels


def generate(
    spark: SparkSession, rows: int, seed: int = 7, malformed_rate: float = 0.0, null_rate: float = 0.0
) -> DataFrame:
    """``rows`` rows of synthetic telemetry (all columns strings), in COLUMNS order."""
    return generate_with_labels(spark, rows, seed, malformed_rate, null_rate)[0]


def write(df: DataFrame, path: str | Path, fmt: str = "parquet", single_file: bool = False) -> None:
    """Write with Spark (a directory of part files), or as one RFC-4180 CSV file from the driver
    when ``single_file`` (small outputs only: the rows are collected)."""
    if fmt not in FORMATS:
        raise GenerateError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}.")
    path = str(path)
    if single_file:
        if fmt != "csv":
            raise GenerateError(f"--single-file writes CSV only, got --format {fmt}.")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(df.columns)
            for row in df.toLocalIterator():
                writer.writerow(["" if v is None else v for v in row])
        return
    writer = df.write.mode("overwrite")
    if fmt == "csv":
        writer.option("header", True).option("escape", '"').csv(path)
    elif fmt == "json":
        writer.json(path)
    else:
        writer.parquet(path)


def write_labels(labels: DataFrame, path: str | Path, single_file: bool = False) -> None:
    """The ground truth as JSON lines {row, start, end, type, text}: one file, or Spark's dir."""
    path = str(path)
    if not single_file:
        labels.write.mode("overwrite").json(path)
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for row in labels.toLocalIterator():
            out.write(json.dumps(row.asDict(), ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- sub-command


def _rate(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a fraction such as 0.01, got {text!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=int, default=1000, help="number of rows (default 1000)")
    parser.add_argument("--seed", type=int, default=7, help="seed for every choice (default 7)")
    parser.add_argument(
        "--output", required=True, help="output path (a directory, or one file with --single-file)"
    )
    parser.add_argument("--format", choices=FORMATS, default="parquet", help="default parquet")
    parser.add_argument(
        "--malformed-rate",
        type=_rate,
        default=0.0,
        help="fraction of rows with a bad timestamp, latitude or email",
    )
    parser.add_argument(
        "--null-rate",
        type=_rate,
        default=0.0,
        help="fraction of nulls in each column except event_id and event_ts",
    )
    parser.add_argument("--labels", help="also write the notes' entity labels (JSON lines) here")
    parser.add_argument(
        "--templates",
        choices=TEMPLATE_SETS,
        default="dev",
        help="note sentences: dev (default) or heldout (kept out of detector development)",
    )
    parser.add_argument(
        "--single-file",
        action="store_true",
        help=f"write one CSV file (and one labels file) from the driver; at most {SINGLE_FILE_MAX_ROWS} rows",
    )


def _session() -> SparkSession:
    """The sub-command's session. A row's 21 expressions fuse into one generated method larger
    than HotSpot's 8000-byte JIT limit, which then runs interpreted (about 4x slower). When we
    launch the JVM we lift that limit; in a session someone else started, we let Spark fall
    back from whole-stage codegen for such methods (spark.sql.codegen.hugeMethodLimit)."""
    from piimask.session import JIT_FLAG, get_spark

    launching = SparkSession.getActiveSession() is None and "PYSPARK_GATEWAY_PORT" not in os.environ
    if launching:
        os.environ.setdefault("PYSPARK_SUBMIT_ARGS", f"--driver-java-options {JIT_FLAG} pyspark-shell")
    spark = get_spark("piimask-generate")
    if not (launching and JIT_FLAG in os.environ["PYSPARK_SUBMIT_ARGS"]):
        spark.conf.set("spark.sql.codegen.hugeMethodLimit", "8000")
    return spark


def main(args: argparse.Namespace) -> int:
    _check(args.rows, args.malformed_rate, args.null_rate)
    if args.single_file and args.format != "csv":
        raise GenerateError(f"--single-file writes CSV only, got --format {args.format}.")
    if args.single_file and args.rows > SINGLE_FILE_MAX_ROWS:
        raise GenerateError(
            f"--single-file is for small samples (at most {SINGLE_FILE_MAX_ROWS}"
            f" rows); drop it to let Spark write {args.rows} rows."
        )
    spark = _session()
    data, labels = generate_with_labels(
        spark, args.rows, args.seed, args.malformed_rate, args.null_rate, getattr(args, "templates", "dev")
    )
    try:
        write(data, args.output, args.format, args.single_file)
        if args.labels:
            write_labels(labels, args.labels, args.single_file)
    except OSError as exc:
        raise GenerateError(f"cannot write the output ({type(exc).__name__}: {exc.strerror}).") from None
    print(f"generated {args.rows} rows ({args.format}) -> {args.output}")
    if args.labels:
        print(f"labels -> {args.labels}")
    return 0
