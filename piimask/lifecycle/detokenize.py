"""`pii-mask detokenize`: raw values for tokens, through the vault, for authorized users.

The one command whose purpose is to output raw values. It refuses without a ``--reason`` (one
that cites a ticket or case and names no person: no email, phone or full name in it), refuses
for direct identifiers (their HMAC digests are irreversible and the vault holds no mapping for
them), and writes an access event before it outputs anything: ``VAULT/_access_log/<id>.json``
with who, when, the reason, the column and how many tokens were asked for and found; never a
token or value. Spark ignores
``_``-prefixed folders, so the log never mixes with the vault's data. A vault table
(``catalog.database.table``, see docs/tables.md) is read at main, and its access log is kept
beside the table: ``<table location>.piimask/_access_log/``.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import sys
import unicodedata
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from piimask.errors import PiiMaskError, Refused, UsageError
from piimask.expr.text import fold_python
from piimask.keys.keyring import write_private
from piimask.lifecycle.erase import read_values
from piimask.rubric import Rubric, load_rubric
from piimask.storage.audit import AUDIT_DIR, actor, log_record, new_run_id, utc_now
from piimask.storage.fs import Storage
from piimask.storage.paths import is_within, normalize
from piimask.storage.raw_tables import RawTable, names_table

__all__ = ["ACCESS_LOG_DIR", "add_arguments", "check_out", "check_reason", "detokenize", "main"]

ACCESS_LOG_DIR = "_access_log"
MIN_REASON_CHARS = 8
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_REFERENCE = re.compile(r"\w*\d\w*[-/]?\d|\d{2,}")  # a ticket, case or article reference
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_PERSONAL = [
    re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"),  # an email address
    re.compile(r"(?:\d[\s().-]?){10,}"),  # a phone number (10 or more digits)
]


def _names_a_person(text: str) -> bool:
    """Two neighbouring words that are a first and a last name of the kit's name dictionary
    (either order, any case), or a capitalised unambiguous first name before a capitalised word."""
    from piimask.treatments.freetext.names import AMBIGUOUS_FIRST_NAMES, load_dictionary

    names = load_dictionary()
    first = {n.lower() for n in names["first_names"]}
    last = {n.lower() for n in names["last_names"]}
    words = _WORD.findall(text)
    for a, b in zip(words, words[1:], strict=False):
        la, lb = a.lower(), b.lower()
        if (la in first and lb in last) or (la in last and lb in first):
            return True
        if a[0].isupper() and b[0].isupper() and la in first and la not in AMBIGUOUS_FIRST_NAMES:
            return True
    return False


def check_reason(reason: str | None) -> str:
    """The reason as logged; refused when too short, without a ticket or case reference, or when
    it names a person (an email, a phone number or a full name: the access log is not the place
    for them). Checked on its folded form, so look-alike characters cannot hide one."""
    text = " ".join((reason or "").split())
    if len(text) < MIN_REASON_CHARS:
        raise Refused(
            "detokenize refuses without a reason: pass --reason with the ticket or legal basis "
            f"(at least {MIN_REASON_CHARS} characters); it is written to the vault's access log."
        )
    folded = fold_python(unicodedata.normalize("NFKC", text))
    if any(p.search(folded) for p in _PERSONAL) or _names_a_person(folded):
        raise Refused(
            "the --reason holds what looks like an email address, phone number or person's name; "
            "it is written to the access log, so name the ticket or legal basis, not the person."
        )
    if not _REFERENCE.search(folded):
        raise Refused(
            "the --reason names no ticket or case: include its reference (a word with digits, "
            "e.g. DSAR-2026-0042 or INC0012345), so the access log can be traced to a decision."
        )
    return text


def check_out(out: str, vault: str) -> Path:
    """Where ``--out`` may be: a file in an existing local folder, outside every masked output
    (a folder beside an ``_audit/``) and outside the vault. Checked before any lookup, so a bad
    ``--out`` leaves no access-log entry."""
    path = Path(out).expanduser()
    if not path.parent.is_dir():
        raise UsageError(
            f"--out folder {path.parent} does not exist; nothing was looked up or logged. "
            "Create it (somewhere only you can read) and re-run."
        )
    if path.is_dir():
        raise UsageError(f"--out {out} is a folder; name a file.")
    real = Path(os.path.realpath(path))
    for folder in real.parents:
        if (folder / AUDIT_DIR).is_dir():
            raise Refused(
                f"--out {out} is inside the masked output {folder}: raw values would be published "
                "with it. Nothing was looked up or logged; write them outside any output."
            )
    if is_within(str(real), vault) or is_within(out, vault):  # a table name: never a real folder
        raise Refused(f"--out {out} is inside the vault; write the values elsewhere.")
    return path


def _irreversible(column: str) -> PiiMaskError:
    return Refused(
        f"column {column} holds HMAC-SHA256 digests of a direct identifier; digests are "
        "irreversible (a keyed one-way function, and the vault keeps no mapping for them), so "
        "no value can be recovered. To find a known person's rows, derive the digest from the "
        "value instead (as `pii-mask erase` does)."
    )


def _check_column(rubric: Rubric | None, column: str, tokens: list[str]) -> None:
    if rubric is not None:
        try:
            spec = rubric.column(column)
        except KeyError:
            raise UsageError(f"--column {column} is not in rubric {rubric.source}.") from None
        if spec.treatment == "hmac":
            raise _irreversible(column)
        if spec.treatment != "token":
            raise Refused(
                f"column {column} is treated '{spec.treatment}', not tokenized: the vault holds "
                "nothing for it."
            )
    elif any(_DIGEST.match(t) for t in tokens):
        raise _irreversible(column)


def _vault(spark: SparkSession, store: Storage, vault: str) -> tuple[DataFrame, str]:
    """The vault's entries and where its access log goes: a folder's partitions and the folder,
    or a table's main and the folder beside the table."""
    if names_table(spark, vault):
        table = RawTable.open(spark, vault)
        if not table.has_rows():
            raise UsageError(f"--vault table {vault} holds no vault entries; check the name.")
        return table.read(), table.home()
    parts = [p for p in store.list(vault) if p.startswith("run_id=")]
    if not parts:
        raise UsageError(f"--vault {vault} holds no vault entries; check the path.")
    return spark.read.parquet(*[posixpath.join(vault, p) for p in parts]), vault


def detokenize(
    spark: SparkSession,
    vault: str,
    column: str,
    tokens_file: str,
    reason: str | None,
    rubric: Rubric | None = None,
) -> tuple[list[tuple[str, str]], dict, str]:
    """(token, value) pairs found, the access event, and where it was written."""
    why = check_reason(reason)
    tokens = read_values(tokens_file, "tokens")
    _check_column(rubric, column, tokens)
    vault = vault if names_table(spark, vault) else normalize(vault)
    store = Storage(spark)
    entries, log_root = _vault(spark, store, vault)
    found = {
        row["token"]: row["value"]
        for row in entries.where((F.col("column") == F.lit(column)) & F.col("token").isin(tokens))
        .select("token", "value")
        .distinct()
        .collect()
    }
    event_id = new_run_id()
    event = {
        "kind": "detokenize",
        "id": event_id,
        "at": utc_now(),
        "actor": actor(),
        "reason": why,
        "vault": vault,
        "column": column,
        "tokens_requested": len(tokens),
        "tokens_found": len(found),
    }
    path = posixpath.join(log_root, ACCESS_LOG_DIR, f"{event_id}.json")
    store.write_text(path, json.dumps(event, indent=2, sort_keys=True) + "\n")  # before any value leaves
    log_record(event)
    return [(t, found[t]) for t in tokens if t in found], event, path


def add_arguments(p) -> None:
    p.add_argument("--vault", required=True, help="the vault folder (raw zone), or its table")
    p.add_argument("--column", required=True, help="a quasi (token) column")
    p.add_argument("--tokens-file", required=True, help="file with tokens, one per line")
    p.add_argument("--reason", help="why (ticket, legal basis); required, written to the access log")
    p.add_argument("--out", help="write the values here (mode 600) instead of stdout")
    p.add_argument("--rubric", help="rubric.yaml (default ./rubric.yaml if present): refuses direct columns")


def main(args) -> int:
    from piimask.session import get_spark

    check_reason(args.reason)  # refuse before starting Spark
    out = check_out(args.out, args.vault) if args.out else None  # before the access log, too
    rubric_path = args.rubric or ("rubric.yaml" if Path("rubric.yaml").exists() else None)
    rubric = load_rubric(rubric_path) if rubric_path else None
    _check_column(rubric, args.column, [])
    pairs, event, path = detokenize(
        get_spark("pii-mask-detokenize"), args.vault, args.column, args.tokens_file, args.reason, rubric
    )
    lines = "".join(json.dumps({"token": t, "value": v}, ensure_ascii=False) + "\n" for t, v in pairs)
    if out is not None:
        write_private(out, lines)  # a fresh 600 file renamed over --out: an old 644 one is replaced
    else:
        sys.stdout.write(lines)
    print(
        f"detokenized {event['tokens_found']} of {event['tokens_requested']} token(s) of {args.column}"
        f"{' into ' + args.out if args.out else ''}; access logged at {path}",
        file=sys.stderr,
    )
    return 0
