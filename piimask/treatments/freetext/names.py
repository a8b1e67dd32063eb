"""The name dictionary behind the ``person`` and ``address`` detectors, shipped as ``names.json``.

Built deterministically from the Faker locales the generator uses (first and last names,
romanized Japanese names, US street suffixes), so the job needs no Faker at run time. A test
rebuilds it and fails when the shipped file drifts. Regenerate with::

    python -m piimask.names --write
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from pathlib import Path

__all__ = ["AMBIGUOUS_FIRST_NAMES", "NAMES_FILE", "build_dictionary", "load_dictionary", "trie_regex"]

NAMES_FILE = Path(__file__).with_name("names.json")
LOCALES = ("en_US", "de_DE", "fr_FR", "es_ES", "ja_JP")  # as piimask.tools.generate.pools.LOCALES
FIRST_ATTRS = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary")
# first names that are also ordinary words in English notes: a name only next to a last name
AMBIGUOUS_FIRST_NAMES = frozenset(
    """ace amber angel april art ash august autumn bay bill blair bob brandy buck candy carol chance
    chase christian clay cliff colt crystal dale dawn dean destiny don drew duke dusty earl ernest
    faith frank gale gene ginger glen grace grant guy hank heather hope hunter iris ivy jack jade
    jay jewel joy june king lane lee lily major mark mason max may miles misty norman ocean page
    parker pat patience pearl penny precious price prince rain ray reed rich river robin rocky rose
    royal ruby rusty sage sandy skip sky sol star sterling stone storm summer sunny taylor tucker
    van wade will wolf jan mar jun ale che mai gil""".split()
)


def _person_provider(fake):
    return next(p for p in fake.providers if type(p).__module__.split(".")[-2:-1] == ["person"])


def build_dictionary() -> dict:
    """First names, last names and street suffixes from Faker (imported only here)."""
    import faker
    from faker import Faker

    first, last = set(), set()
    for locale in LOCALES:
        person = _person_provider(Faker(locale))
        for attr in FIRST_ATTRS + ("first_romanized_names",):
            first.update(getattr(person, attr, ()))
        for attr in ("last_names", "last_romanized_names"):
            last.update(getattr(person, attr, ()))
    us = Faker("en_US")
    address = next(p for p in us.providers if type(p).__module__.endswith("address.en_US"))

    def clean(names: set[str]) -> list[str]:
        return sorted({" ".join(n.split()) for n in names if n and n.strip()})

    return {
        "faker_version": faker.VERSION,
        "locales": list(LOCALES),
        "first_names": clean(first),
        "last_names": clean(last),
        "street_suffixes": clean(set(address.street_suffixes)),
    }


@functools.cache
def load_dictionary() -> dict:
    return json.loads(NAMES_FILE.read_text(encoding="utf-8"))


def _escape(ch: str) -> str:
    if ch == " ":
        return r"\s+"
    return ch if ch.isalnum() else "\\" + ch


TRIE_FAN = 16  # alternatives tried one by one before a look-ahead class dispatches
TRIE_DEPTH = 2  # characters dispatched by the trie; the rest of each word is a flat alternative


def _class_of(chars) -> str:
    """A character class of ``chars`` (escaped as in the trie; a space stands for any white space)."""
    return "[" + "".join(r"\s" if ch == " " else _escape(ch) for ch in sorted(chars)) + "]"


def trie_regex(words, trie_depth: int = TRIE_DEPTH) -> str:
    """One regex matching exactly ``words`` (lower-cased; use with (?iu)): a trie for the first
    ``trie_depth`` characters, so that Java's backtracking engine dispatches on them instead of
    trying every word, and below that, per prefix, a flat alternation of the words' remainders.

    Java tries the alternatives of a level one after another, so a level with more than
    TRIE_FAN branches is split into TRIE_FAN groups, each entered only when a look-ahead class of
    its first characters matches.

    Why the flat tails: every group costs each row twice in Spark. Java's Matcher allocates and
    clears one int per group of the pattern for every text (Spark makes a matcher per row and
    sets its region, which clears them again), and Spark's regexp_replace compares the whole
    pattern literal with the previous row's before each row; flat tails after two characters
    (and the last-name trie written once) cut the groups and the pattern's length severalfold.
    The remainders are listed longest first, so a word is preferred to any word that is a
    prefix of it, as the trie's greedy optional endings did: the same matches.
    """
    trie: dict = {}
    for word in sorted({w.lower() for w in words if w}):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def alternatives(items: list[tuple[str, str]]) -> str:
        if len(items) <= TRIE_FAN:
            return "|".join(body for _, body in items)
        size = -(-len(items) // TRIE_FAN)
        groups = [items[i : i + size] for i in range(0, len(items), size)]
        return "|".join(
            f"(?={_class_of(ch for ch, _ in g)})(?:{alternatives(g)})" if len(g) > 1 else g[0][1]
            for g in groups
        )

    def remainders(node: dict, prefix: str = ""):
        for ch, child in node.items():
            if ch == "":
                yield prefix
            else:
                yield from remainders(child, prefix + ch)

    def optional(body: str, single: bool) -> str:
        return body + "?" if single else "(?:" + body + ")?"

    def flat(node: dict) -> str:
        rest = sorted((r for r in remainders(node) if r), key=lambda r: (-len(r), r))
        if not rest:
            return ""
        ends_here = "" in node
        bodies = ["".join(_escape(ch) for ch in r) for r in rest]
        if len(rest) == 1:
            return optional(bodies[0], len(rest[0]) == 1 and rest[0] != " ") if ends_here else bodies[0]
        body = "(?:" + "|".join(bodies) + ")"
        return body + "?" if ends_here else body

    def render(node: dict, depth: int) -> str:
        if depth >= trie_depth:
            return flat(node)
        items = [
            (ch, _escape(ch) + render(child, depth + 1)) for ch, child in sorted(node.items()) if ch != ""
        ]
        if not items:
            return ""
        if len(items) == 1:
            return "(?:" + items[0][1] + ")?" if "" in node else items[0][1]
        body = "(?:" + alternatives(items) + ")"
        return body + "?" if "" in node else body

    return "(?:" + render(trie, 0) + ")"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="rebuild piimask/names.json from Faker")
    parser.add_argument("--write", action="store_true", help="write the file (default: check for drift)")
    args = parser.parse_args(argv)
    text = json.dumps(build_dictionary(), ensure_ascii=False, indent=0) + "\n"
    if args.write:
        NAMES_FILE.write_text(text, encoding="utf-8")
        print(f"wrote {NAMES_FILE}")
        return 0
    same = NAMES_FILE.exists() and NAMES_FILE.read_text(encoding="utf-8") == text
    print("names.json is up to date" if same else "names.json drifted: run python -m piimask.names --write")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
