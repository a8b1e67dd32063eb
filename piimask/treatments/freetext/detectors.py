"""Free-text PII detectors: Java regular expressions (and one Luhn check) run natively by Spark.

The redact treatment replaces what they find with typed placeholders; verify.py runs the same
detectors over the masked output, so a regression in redaction fails CI. Person names come from
``names.json`` (built from the generator's Faker locales), rendered on the driver as trie-shaped
regexes: one branch per character, so the pattern stays small and Java's matcher stays fast.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pyspark.sql import Column
from pyspark.sql import functions as F

from piimask.treatments.freetext.names import AMBIGUOUS_FIRST_NAMES, load_dictionary, trie_regex

__all__ = [
    "BY_NAME",
    "CARD_CANDIDATE",
    "DETECTORS",
    "DETECTOR_NAMES",
    "Detector",
    "PLACEHOLDERS",
    "any_detected",
    "apply_detector",
    "detected",
    "identifier_pattern",
    "luhn_ok",
    "prefilter",
    "redact_patterns",
]

_W = r"\p{L}\p{N}"  # word characters, Unicode-aware
_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY "
    "NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR"
).split()
_STREET_ABBREVIATIONS = (
    "St Ave Av Rd Blvd Dr Ln Ct Pl Sq Ter Hwy Pkwy Cir Trl Way Pike Expy Fwy Plz Aly Xing Bnd Cv Crk"
).split()
_LOWER_SUFFIXES = "st|ave|rd|blvd|dr|ln|ct|pl|hwy|pkwy|street|avenue|boulevard"
_HONORIFICS = r"Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Herr|Frau|Mme|Mlle|Sr|Sra|Srta"
CARD_CANDIDATE = r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])"

_CAP_WORD = r"\p{Lu}\p{Ll}+(?:['’-]\p{Lu}?\p{Ll}+)?"
_BEFORE_NAME = rf"(?<![{_W}\[_@./\\-])"
_AFTER_NAME = rf"(?![{_W}\]@_])"


@functools.cache
def _person_pattern() -> str:
    names = load_dictionary()
    first, last = trie_regex(names["first_names"]), trie_regex(names["last_names"])
    cjk_first = trie_regex(n for n in names["first_names"] if unicodedata.category(n[0]) == "Lo")
    cjk_last = trie_regex(n for n in names["last_names"] if unicodedata.category(n[0]) == "Lo")
    ambiguous = "|".join(sorted(AMBIGUOUS_FIRST_NAMES, key=lambda w: (-len(w), w)))
    particles = r"(?:(?:de|del|de\s+la|van|von|van\s+der|von\s+der|le|la|da|di|du|dos|y)\s+)?"
    # the word just matched starts with a capital (or is CJK), has 3+ letters (2+ CJK) and is
    # not an ordinary word such as Will or May: checked by look-behinds, so the first-name trie
    # appears once in the pattern
    capitalised = r"(?<=(?<![\p{L}\p{N}])(?-i:\p{Lu})[\p{L}'’-]{2,30}|\p{Lo})"
    plain = rf"(?<!(?<![\p{{L}}])(?:{ambiguous}))"
    # a last name, or two joined by a hyphen (Osei-Tutu), with the last-name trie written once:
    # the second round must start right after the hyphen (no letter before it)
    double_barrelled = rf"(?:(?<!\p{{L}}){last}(?:-(?=\p{{L}}))?){{1,2}}"
    return (
        rf"(?iu:{_BEFORE_NAME}(?:"
        # (the end-of-name test right after the first name is implied by both branches; written
        # here, it drops a first name that is only the start of a word, Tor in Torque, before
        # the look-behinds run; same output)
        rf"{first}{_AFTER_NAME}(?:"
        # a known full name (first + last), any case, maybe a middle name between
        rf"\s+(?:(?-i:{_CAP_WORD})\s+)?{particles}{double_barrelled}"
        # a capitalised first name followed by a capitalised word, or alone
        rf"|{capitalised}{plain}(?:\s+(?-i:{_CAP_WORD}))?"
        rf")"
        # family name first, as written in Japanese (the look-ahead spares Latin words the
        # walk through the CJK trie's first branch)
        rf"|(?=\p{{Lo}}){cjk_last}\s?{cjk_first}"
        # honorific + capitalised word(s)
        rf"|(?-i:(?:{_HONORIFICS})\.?\s+{_CAP_WORD}(?:\s+{_CAP_WORD})?)"
        rf"){_AFTER_NAME})"
    )


@functools.cache
def _address_pattern() -> str:
    suffixes = sorted(set(load_dictionary()["street_suffixes"]) | set(_STREET_ABBREVIATIONS), key=str.lower)
    suffix = "(?:" + "|".join(suffixes) + r")s?\.?"
    word = r"(?:\p{Lu}[\p{L}'’.-]*|\d+(?:st|nd|rd|th))"
    direction = r"(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?\s+)?"
    unit = (
        r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Bldg|Building|Fl|Floor|Rm|Room|#)\.?\s*#?[\p{L}\p{N}-]+)?"
    )
    city = r"\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*){0,3}"
    tail = rf"(?:,\s*{city},?\s+(?:{'|'.join(_STATES)})\b(?:\s+\d{{5}}(?:-\d{{4}})?)?)?"
    number = rf"(?<![{_W}.,:/-])\d{{1,6}}[A-Za-z]?(?:-\d{{1,4}})?\s+"
    street = rf"{direction}(?:{word}\s+){{1,4}}{suffix}(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b)?"
    lower = rf"(?i:(?:[a-z]+\s+){{1,3}}(?:{_LOWER_SUFFIXES})\.?)"
    return (
        rf"{number}(?:{street}|{lower})(?![{_W}]){unit}{tail}"
        rf"|(?i)(?<![{_W}])P\.?\s*O\.?\s+Box\s+\d{{1,6}}(?![{_W}])"
    )


_URL_BODY = r"[^\s<>\"'\[\]]"
_URL_END = r"(?<![.,;:!?)])"
_PERSONAL_URL = (
    rf"(?i)(?<![{_W}])(?:https?://|www\.)(?:"
    # a personal path segment on any host
    rf"{_URL_BODY}*?(?:/(?:in|u|user|users|people|person|profile|profiles|member|members|staff|"
    rf"employee|employees|team|~)/{_URL_BODY}|/~{_URL_BODY}|/@{_URL_BODY}"
    rf"|[?&](?:user|username|email|name|uid|login)=)"
    # or any path on a site whose first path segment is a person
    rf"|(?:www\.)?(?:github|gitlab|twitter|x|facebook|instagram|linkedin|medium|keybase)\.com/[{_W}]"
    rf"){_URL_BODY}*{_URL_END}"
    # home directories
    rf"|(?<![{_W}])(?:/home/|/Users/|[A-Za-z]:\\Users\\)[^\s/\\,;:]+{_URL_END}"
)


@dataclass(frozen=True)
class Detector:
    """One free-text detector: the placeholder its finds become, its Java regex (a callable builds
    a large one on first use; None means the rubric gives it), a cheap prefilter (a necessary
    condition: a regex every text it can match also matches, without look-arounds or Unicode
    classes, so the expensive pattern runs only on texts that pass) and a confirmation applied
    to each candidate's digits (the card's Luhn check)."""

    name: str
    placeholder: str
    pattern: str | Callable[[], str] | None
    prefilter: str | None = None
    confirm: Callable[[Column], Column] | None = None

    def regex(self, serial_pattern: str = "") -> str:
        """The Java regex (the card's is the candidate before the confirmation)."""
        if self.pattern is None:
            return serial_pattern
        return self.pattern() if callable(self.pattern) else self.pattern


def luhn_ok(digits: Column) -> Column:
    """True for a 13-19 digit string passing the Luhn check (Spark's own luhn_check, no UDF).

    ``digits`` holds ASCII digits only (the callers strip non-digits). luhn_check replaced a sum
    over higher-order functions, which Spark interprets (no code generation)."""
    n = F.length(digits)
    return (n >= 13) & (n <= 19) & F.call_function("luhn_check", digits)


# In application order: cards before SSNs before phones, addresses before names (street names
# hold names). "serial" comes from the rubric; "identifiers" (the row's own values, placeholder
# [ID]) is not a pattern and is handled by freetext.redaction.
DETECTORS: tuple[Detector, ...] = (
    Detector(
        "email",
        "[EMAIL]",
        rf"(?<![{_W}._%+-])[{_W}._%+-]+@[{_W}-]+(?:\.[{_W}-]+)*\.\p{{L}}{{2,}}",
        prefilter="@",
    ),
    Detector("url", "[URL]", _PERSONAL_URL, prefilter=r"(?i)://|www\.|/home/|/users/|\\users\\"),
    Detector(
        "mac",
        "[MAC]",
        r"(?i)(?<![0-9a-f:-])[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}(?![0-9a-f:-])"
        r"|(?i)(?<![0-9a-f.])[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}(?![0-9a-f.])",
        # a separator first, so most positions fail at their first character (hex letters are
        # common in text)
        prefilter=r"[:-][0-9a-fA-F]{2}[:-]|\.[0-9a-fA-F]{4}\.",
    ),
    Detector(
        "ip",
        "[IP]",
        r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
        r"(?!\.?\d)"
        r"|(?i)(?<![0-9a-f:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}"
        r"|(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?"
        r"|::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,6}))(?![0-9a-f:])",
        # IPv4 holds ".1." (a dot, 1-3 digits, a dot), IPv6 ":1:" or "::": one separator first,
        # so most positions fail at once
        prefilter=r"[.:][0-9a-fA-F]{0,4}[.:]",
    ),
    Detector("card", "[CARD]", CARD_CANDIDATE, prefilter=r"\d(?:[ -]?\d){12}", confirm=luhn_ok),
    Detector(
        "ssn",
        "[SSN]",
        r"(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])"
        r"|(?i)(?<=\b(?:ssn|social security(?: number| no\.?)?)(?:[:#]|\s)\s{0,2})"
        r"(?!000|666|9\d\d)\d{3}(?!00)\d{2}(?!0000)\d{4}(?!\w)",
        prefilter=r"\d{3}[- ]\d{2}[- ]\d{4}|(?i)ssn|social security",
    ),
    Detector(
        "coordinates",
        "[COORDINATES]",
        r"(?<![\d.])[+-]?\d{1,3}\.\d{3,}\s*,\s*[+-]?\d{1,3}\.\d{3,}(?![\d.])",
        prefilter=r"\d\.\d{3}",
    ),
    Detector("serial", "[SERIAL]", None),  # the pattern comes from the rubric (serial_pattern)
    Detector(
        "phone",
        "[PHONE]",
        r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}(?!\w)"
        r"|(?<![\w+])\+[1-9]\d{7,14}(?!\w)"
        r"|(?<![\w+])\+\d{1,3}(?:[\s.-]\d{1,4}){2,5}(?!\w)",
        # NANP ends in 3 digits, maybe a separator, 4 digits; E.164 starts with + and a digit
        prefilter=r"\d{3}[\s.-]?\d{4}|\+\d",
    ),
    Detector("address", "[ADDRESS]", _address_pattern, prefilter=r"\d[A-Za-z]?\s|(?i)box"),
    Detector("person", "[PERSON]", _person_pattern),  # built from names.json on first use
)
BY_NAME: Mapping[str, Detector] = {d.name: d for d in DETECTORS}
IDENTIFIERS_PLACEHOLDER = "[ID]"
PLACEHOLDERS = {**{d.name: d.placeholder for d in DETECTORS}, "identifiers": IDENTIFIERS_PLACEHOLDER}
DETECTOR_NAMES = (*BY_NAME, "identifiers")


def prefilter(text: Column, name: str) -> Column | None:
    """True when ``text`` may hold what detector ``name`` finds (None: no cheap test exists)."""
    d = BY_NAME.get(name)
    return None if d is None or d.prefilter is None else text.rlike(d.prefilter)


def pattern_of(name: str, serial_pattern: str) -> str:
    """The Java regex of one detector (the card's is the candidate before the Luhn check)."""
    return BY_NAME[name].regex(serial_pattern)


def redact_patterns(
    detectors: tuple[str, ...],
    serial_pattern: str,
    placeholders: Mapping[str, str] | None = None,
) -> list[tuple[str, str, str]]:
    """(detector, Java regex, placeholder) in application order for the chosen detectors."""
    return [
        (d.name, d.regex(serial_pattern), (placeholders or {}).get(d.name, d.placeholder))
        for d in DETECTORS
        if d.name in detectors
    ]


def _confirmed(text: Column, d: Detector) -> Column:
    """The candidates of ``d`` in ``text`` that pass its confirmation (on their digits)."""
    candidates = F.regexp_extract_all(text, F.lit(d.regex()), F.lit(0))
    return F.filter(candidates, lambda c: d.confirm(F.regexp_replace(c, r"\D", "")))


def apply_detector(text: Column, name: str, pattern: str, placeholder: str) -> Column:
    """``text`` with what one detector finds replaced by ``placeholder``."""
    d = BY_NAME[name]
    if d.confirm is not None:  # replace each confirmed candidate literally
        return F.aggregate(_confirmed(text, d), text, lambda acc, c: F.replace(acc, c, F.lit(placeholder)))
    return F.regexp_replace(text, pattern, placeholder)


def detected(text: Column, name: str, pattern: str) -> Column:
    """True when one detector finds something in ``text``."""
    d = BY_NAME[name]
    found = F.size(_confirmed(text, d)) > 0 if d.confirm is not None else text.rlike(pattern)
    pre = prefilter(text, name)
    return found if pre is None else F.when(pre, found).otherwise(F.lit(False))


def identifier_pattern(value: Column, whole_words: bool = False) -> Column:
    """A case-insensitive regex matching ``value`` literally (every non-word char escaped).

    Runs of white space in the value match any run of white space in the text.
    """
    escaped = F.regexp_replace(value, r"([^\p{L}\p{N}\s])", r"\\$1")
    escaped = F.regexp_replace(escaped, r"\s+", r"\\s+")
    if whole_words:
        escaped = F.concat(F.lit(rf"(?<![{_W}])"), escaped, F.lit(rf"(?![{_W}])"))
    return F.concat(F.lit("(?iu)"), escaped)


def any_detected(text: Column, detectors: tuple[str, ...], serial_pattern: str) -> Column:
    """True when any chosen detector still finds something in ``text``."""
    conds = [detected(text, n, p) for n, p, _ in redact_patterns(detectors, serial_pattern)]
    if not conds:
        return F.lit(False)
    out = conds[0]
    for c in conds[1:]:
        out = out | c
    return F.coalesce(out, F.lit(False))
