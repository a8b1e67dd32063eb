"""Issue 25, property-based: random text, paths, reasons and keyrings never produce a traceback,
a silent pass or a message that quotes what it was given. Pure Python (no Spark)."""

from __future__ import annotations

import base64
import json
import unicodedata

import pytest

hypothesis = pytest.importorskip("hypothesis")  # in the dev extra; skipped where not installed
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from piimask.errors import PiiMaskError, Refused  # noqa: E402
from piimask.expr.text import TABLES_FILE, ascii_folds, computed_tables, fold_python  # noqa: E402
from piimask.keys import keyring as kr  # noqa: E402
from piimask.lifecycle.detokenize import check_reason  # noqa: E402
from piimask.storage.paths import is_within  # noqa: E402
from piimask.treatments.freetext.names import AMBIGUOUS_FIRST_NAMES, load_dictionary  # noqa: E402

FAST = settings(max_examples=150, deadline=None)
_names = load_dictionary()
FIRST = sorted(
    n for n in _names["first_names"] if n.isalpha() and n.isascii() and n.lower() not in AMBIGUOUS_FIRST_NAMES
)
LAST = sorted(n for n in _names["last_names"] if n.isalpha() and n.isascii())


@FAST
@given(st.text())
def test_folding_is_idempotent_and_leaves_no_invisible_character(text):
    once = fold_python(text)
    assert fold_python(once) == once
    assert not any(unicodedata.category(c) == "Cf" for c in once)


@FAST
@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_folding_keeps_ascii_text_as_it_is(text):
    assert fold_python(text) == text


def test_every_folded_character_is_its_nfkc_form():
    src, dst = ascii_folds()
    assert len(src) == len(dst) > 1000
    assert all(unicodedata.normalize("NFKC", a) == b for a, b in zip(src, dst, strict=True))


def test_the_shipped_unicode_tables_are_this_pythons():
    """The folding tables ship precomputed (unicode_tables.json); they must be exactly what this
    Python's Unicode database gives, else a rebuild is due."""
    shipped = json.loads(TABLES_FILE.read_text(encoding="utf-8"))
    assert shipped["unidata_version"] == unicodedata.unidata_version, "python -m piimask.expr.text --write"
    assert shipped == computed_tables(), "unicode_tables.json drifted: python -m piimask.expr.text --write"


@FAST
@given(st.sampled_from(["@", "."]), st.text(alphabet="abcdefgh0123456789", min_size=1, max_size=8))
def test_a_look_alike_email_folds_to_the_plain_one(sep, word):
    """Full-width forms (U+FF01..FF5E) of any ASCII email fold back to it."""
    plain = f"{word}{sep}example.com" if sep == "@" else f"{word}@ex{sep}com"
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in plain)
    assert fold_python(wide) == plain
    assert fold_python("\u200b".join(plain)) == plain


segment = st.text(alphabet="abcxyz-_.", min_size=1, max_size=6).filter(lambda s: s not in (".", ".."))


@FAST
@given(st.lists(segment, min_size=1, max_size=4), st.lists(segment, min_size=1, max_size=3))
def test_containment_of_paths(base, child):
    outer = "/data/" + "/".join(base)
    inner = outer + "/" + "/".join(child)
    assert is_within(inner, outer) and is_within(outer, outer)
    assert not is_within(outer + "x", outer)
    assert is_within("s3a://b/" + "/".join(base) + "/" + "/".join(child), "s3://b/" + "/".join(base))


@FAST
@given(st.text(max_size=200))
def test_any_reason_is_accepted_or_refused_cleanly(text):
    try:
        check_reason(text)
    except Refused as exc:  # anything else (a traceback) fails the test
        shown = " ".join(text.split())
        assert len(shown) < 12 or shown not in str(exc)


@FAST
@given(st.sampled_from(FIRST), st.sampled_from(LAST), st.sampled_from(["upper", "lower", "title", "wide"]))
def test_a_full_name_in_a_reason_is_always_refused(first, last, case):
    name = f"{first} {last}"
    name = {"upper": name.upper(), "lower": name.lower(), "title": name}.get(case) or "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name
    )
    with pytest.raises(Refused, match="not the person"):
        check_reason(f"DSAR-2026-0042 asked by {name}")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=60),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@FAST
@given(st.dictionaries(st.sampled_from(["version", "direct", "token", "x"]), json_values, max_size=4))
def test_any_keyring_document_is_loaded_or_refused_without_echo(doc):
    text = json.dumps(doc)
    try:
        kr.parse_keyring(text, "env:TEST")
    except PiiMaskError as exc:
        for value in (
            doc.get("token"),
            *((doc.get("direct") or {}).values() if isinstance(doc.get("direct"), dict) else ()),
        ):
            if isinstance(value, str) and len(value) >= 8:
                assert value not in str(exc)


@FAST
@given(st.binary(min_size=32, max_size=48), st.binary(min_size=32, max_size=48))
def test_random_distinct_keys_load_and_equal_ones_are_refused(a, b):
    doc = {
        "version": 1,
        "direct": {"2026Q1": base64.b64encode(a).decode()},
        "token": base64.b64encode(b).decode(),
    }
    weak = len(set(a)) < kr.MIN_DISTINCT_BYTES or len(set(b)) < kr.MIN_DISTINCT_BYTES
    if a == b or weak:
        with pytest.raises(kr.KeyringError):
            kr.parse_keyring(json.dumps(doc), "env:TEST")
    else:
        assert kr.parse_keyring(json.dumps(doc), "env:TEST").direct["2026Q1"] == a
