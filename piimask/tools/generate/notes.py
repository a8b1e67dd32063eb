"""``operator_notes``: the note templates, and each note's entity labels.

A note is built from its template with ``concat``: texts t0..t3 around entity values e1..e3, so
each entity's span is a sum of the pieces' lengths and the labels are exact.
"""

from __future__ import annotations

import string

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from piimask.tools.generate.pools import GenerateError

__all__ = [
    "HELDOUT_TEMPLATES",
    "MAX_SLOTS",
    "SLOTS",
    "TEMPLATES",
    "TEMPLATE_SETS",
    "note_and_spans",
    "template_set",
    "with_note_pieces",
]

TEMPLATE_SETS = ("dev", "heldout")
# every template holds at most three entities, "{slot}" placeholders
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


def template_set(templates: str) -> list[str]:
    """The sentences of a template set: "dev" or "heldout"."""
    if templates not in TEMPLATE_SETS:
        raise GenerateError(f"--templates must be one of {', '.join(TEMPLATE_SETS)}, got {templates!r}.")
    return TEMPLATES if templates == "dev" else HELDOUT_TEMPLATES


def _pieces(template: Column, templates: str = "dev") -> tuple[list[Column], list[tuple[Column, Column]]]:
    """(texts t0..t3, entity values e1..e3 with their types) for the chosen template: the note
    is t0 e1 t1 e2 t2 e3 t3, so each span's offsets are sums of the pieces' lengths."""
    split = [_split(t) for t in template_set(templates)]
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


def with_note_pieces(df: DataFrame, templates: str) -> DataFrame:
    """``df`` (with the template index ``_template`` and every SLOTS column) plus the note's
    pieces: texts ``_t0``..``_t3``, entity values ``_e0``..``_e2`` and their types ``_k0``..``_k2``."""
    texts, entities = _pieces(F.col("_template"), templates)
    return df.select(
        "*",
        *[t.alias(f"_t{i}") for i, t in enumerate(texts)],
        *[e.alias(f"_e{i}") for i, (e, _) in enumerate(entities)],
        *[kind.alias(f"_k{i}") for i, (_, kind) in enumerate(entities)],
    )


def note_and_spans() -> tuple[Column, list[Column]]:
    """(the note, one span struct (start, end, type, text) per slot) from with_note_pieces'
    columns; a template's unused slots give spans with an empty type."""
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
    return F.concat(*pieces), spans
