"""The generator's output columns and constants, and the value pools built on the driver: Faker
operators, tools and job sites, test card numbers and SSNs, all drawn from the seed."""

from __future__ import annotations

import datetime as dt
import random

from piimask.errors import UsageError

__all__ = [
    "BAD_TIMESTAMPS",
    "CITIES",
    "COLUMNS",
    "ENTITY_TYPES",
    "ERROR_CODES",
    "FIRMWARE",
    "FORMATS",
    "KEY_COLUMNS",
    "LOCALES",
    "MODELS",
    "OFFSETS",
    "OPERATOR_SCHEMA",
    "OTHER_FIELDS",
    "ROWS_PER_FILE",
    "SINGLE_FILE_MAX_ROWS",
    "SITE_SCHEMA",
    "SPAN_DAYS",
    "START_DATE",
    "TOOL_SCHEMA",
    "URL_FORMATS",
    "GenerateError",
    "card_and_ssn_pools",
    "faker_pools",
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
FORMATS = ("csv", "parquet", "json")
SINGLE_FILE_MAX_ROWS = 200_000
# Rows per written file (the file count is a multiple of the cores): one row group of Parquet per
# file, as a data lake holds bounded files. (With one file per fixed row count, larger benchmark
# inputs read larger row groups; that was not what grew the job's memory: benchmarks/HISTORY.md.)
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
URL_FORMATS = [
    ("https://www.linkedin.com/in/", ""),
    ("https://github.com/", ""),
    ("https://intranet.example.com/~", "/timesheet"),
    ("https://crew.example.com/people/", "/shifts"),
    ("https://portal.example.com/profile?user=", ""),
]


class GenerateError(UsageError):
    """Bad generator arguments or an output that cannot be written (exit 2)."""


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


def faker_pools(seed: int, rows: int) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """(operators, tools, sites) as rows of OPERATOR_SCHEMA, TOOL_SCHEMA and SITE_SCHEMA. One
    random stream draws them in this order (sites, operators, tools), so the order is part of
    the output."""
    from faker import Faker

    n_ops, n_tools, n_sites = _sizes(rows)
    rng = random.Random(seed)
    fakers = {}
    for i, locale in enumerate(dict.fromkeys(LOCALES)):
        fakers[locale] = Faker(locale)
        fakers[locale].seed_instance(seed * 1000 + i)
    sites = _sites(rng, fakers["en_US"], n_sites)
    operators = _operators(rng, fakers, n_ops, n_sites)
    return operators, _tools(rng, n_tools), sites


def _sites(rng: random.Random, us, n_sites: int) -> list[tuple]:
    sites = []
    for i, site_no in enumerate(sorted(rng.sample(range(1, 1000), n_sites))):
        city, state, lat, lon, _ = CITIES[i % len(CITIES)] if i < len(CITIES) else rng.choice(CITIES)
        street = f"{us.building_number()} {us.street_name()}"
        zip_code = f" {us.zipcode_in_state(state)}" if rng.random() < 0.8 else ""
        address = f"{street}, {city}, {state}{zip_code}"
        lat, lon = lat + rng.uniform(-0.05, 0.05), lon + rng.uniform(-0.05, 0.05)
        sites.append((i, f"JS-{site_no:03d}", address, lat, lon))
    return sites


def _operators(rng: random.Random, fakers: dict, n_ops: int, n_sites: int) -> list[tuple]:
    us = fakers["en_US"]
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
    return operators


def _tools(rng: random.Random, n_tools: int) -> list[tuple]:
    tools = []
    for i, serial in enumerate(rng.sample(range(10**10), n_tools)):
        code, name, torque = rng.choice(MODELS)
        mac = ":".join(f"{rng.randrange(256):02x}" for _ in range(6))
        mac = mac.upper() if rng.random() < 0.3 else mac
        tools.append((i, f"DW{serial:010d}", code, name, rng.choice(FIRMWARE), mac, torque))
    return tools


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


def card_and_ssn_pools(seed: int) -> tuple[list[str], list[str]]:
    """40 card numbers, then 40 SSNs, from their own random stream: the Faker pools stay as they are."""
    extra = random.Random(seed * 7919 + 17)
    cards = [_card(extra) for _ in range(40)]
    return cards, [_ssn(extra) for _ in range(40)]
