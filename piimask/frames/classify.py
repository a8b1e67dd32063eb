"""Suggest a bucket for a column the rubric does not classify, from its name and sampled values.

The suggestion explains itself in words ("values look like email addresses"); it never quotes
a value.
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["suggest_bucket"]

# (bucket, why) by name, checked in order: the design's three questions
_NAME_RULES = [
    (
        r"e_?mail|phone|mobile|ssn|passport|national_?id|gov|serial|licen[cs]e|iban|card|full_?name|"
        r"first_?name|last_?name|surname|(^|_)name$",
        "direct",
        "its name suggests a direct identifier",
    ),
    (
        r"(^|_)(id|uid|uuid|key)$|_id$|mac|ip_?addr|(^|_)ip$|device|imei|employee|operator|user|"
        r"account|site|vin|plate",
        "quasi",
        "its name suggests an identifier that joins to a person",
    ),
    (
        r"lat|lon|lng|gps|geo|age|birth|dob|addr|street|zip|postal|city|ts$|time|date|note|comment|"
        r"text|desc|salary|wage|income|health|gender|religion|ethnic",
        "sensitive",
        "its name suggests a sensitive attribute",
    ),
]
_VALUE_RULES = [
    (re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), "direct", "email addresses"),
    (re.compile(r"^\+?[\d\s().-]{10,16}$"), "direct", "phone numbers"),
    (re.compile(r"^\d{3}-\d{2}-\d{4}$"), "direct", "national id numbers"),
    (re.compile(r"(?i)^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$"), "quasi", "MAC addresses"),
    (re.compile(r"^(\d{1,3}\.){3}\d{1,3}$"), "quasi", "IP addresses"),
    (re.compile(r"^[+-]?\d{1,3}\.\d{4,}$"), "sensitive", "precise coordinates"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"), "sensitive", "timestamps"),
    (re.compile(r"\s\S+\s\S+\s\S+\s"), "sensitive", "free text"),
    (re.compile(r"^[A-Z]{1,4}-?\d{3,}$"), "quasi", "identifiers"),
]


def suggest_bucket(name: str, sample: list[object]) -> tuple[str, str]:
    """(bucket, reason) for an unclassified column. Values win over the name when most agree."""
    values = [str(v).strip() for v in sample if v is not None and str(v).strip()]
    if values:
        votes: Counter = Counter()
        for v in values:
            for pattern, bucket, what in _VALUE_RULES:
                if pattern.search(v):
                    votes[(bucket, what)] += 1
                    break
        if votes:
            (bucket, what), n = votes.most_common(1)[0]
            if n >= max(1, len(values) // 2):
                return bucket, f"{n} of {len(values)} sampled values look like {what}"
    lowered = name.lower()
    for pattern, bucket, why in _NAME_RULES:
        if re.search(pattern, lowered):
            return bucket, why
    return "behavioral", (
        "neither its name nor its sampled values look personal; confirm with "
        "the three questions before filing it as behavioral"
    )
