"""rubric.md's column table, generated from rubric.yaml (`pii-mask docs`); a test fails on drift."""

from __future__ import annotations

import re
from pathlib import Path

from piimask.errors import Refused, UsageError
from piimask.rubric.load import load_rubric
from piimask.rubric.model import BUCKETS, Column, Rubric
from piimask.treatments import TREATMENTS

__all__ = ["BEGIN", "END", "add_arguments", "column_table", "main", "privacy_section", "render"]

BEGIN = "<!-- BEGIN GENERATED: column table (pii-mask docs --write rubric.md) -->"
END = "<!-- END GENERATED -->"


def _treatment_text(c: Column, rubric: Rubric) -> str:
    return TREATMENTS[c.treatment].words(c.params, rubric.rotation)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def column_table(rubric: Rubric) -> str:
    rows = [
        "| column | bucket | treatment | validation | in input | reviewed | notes |",
        "|---|---|---|---|---|---|---|",
    ]
    order = {b: i for i, b in enumerate(BUCKETS)}
    for c in sorted(rubric.columns, key=lambda c: (order[c.bucket], rubric.names.index(c.name))):
        v = c.validation
        checks = [] if v.type == "string" else [v.type]
        if v.required:
            checks.append("required")
        if v.min is not None or v.max is not None:
            checks.append(f"{v.min if v.min is not None else ''}..{v.max if v.max is not None else ''}")
        note = c.description
        if c.name == rubric.event_time_column:
            note = (note + " Event-time column.").strip()
        reviewed = f"{c.reviewed_by}: {c.reason}" if c.reviewed_by else ""
        rows.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in (
                    f"`{c.name}`",
                    c.bucket,
                    _treatment_text(c, rubric),
                    ", ".join(checks) or "-",
                    "optional" if c.optional else "required",
                    reviewed or "-",
                    note,
                )
            )
            + " |"
        )
    head = (
        f"Rubric version {rubric.version}; keys rotate {rubric.rotation} by `{rubric.event_time_column}` "
        f"(UTC). {len(rubric.columns)} columns; any other input column stops the run. "
        f"A run that quarantines more than {rubric.quarantine_max_share * 100:g}% of its input rows "
        "(`quarantine.max_share`), or every row, publishes nothing and names the top reasons."
    )
    return head + "\n\n" + "\n".join(rows)


_ACTION_WORDS = {
    "suppress": "rows in a smaller class are suppressed (dropped from the output and counted in the audit)",
    "generalize": (
        "rows in a smaller class are retried one level coarser ({levels}), grouped among "
        "themselves; rows still in a class smaller than k are suppressed and counted in the audit"
    ),
    "report": "classes are measured and reported in the audit; no row is changed or dropped",
}


def privacy_section(rubric: Rubric) -> str:
    """The privacy paragraph of rubric.md (empty when the rubric has no privacy section)."""
    p = rubric.privacy
    if p is None:
        return ""
    levels = []
    for name in p.quasi_identifiers:
        c = rubric.column(name)
        words = TREATMENTS[c.treatment].coarser_words
        if words:
            levels.append(words(name, c.params))
    unchanged = [
        f"`{n}`" for n in p.quasi_identifiers if TREATMENTS[rubric.column(n).treatment].coarser_words is None
    ]
    if unchanged:
        levels.append(", ".join(unchanged) + " unchanged")
    lines = [
        f"**Re-identification risk (k-anonymity).** Every combination of the quasi-identifiers "
        f"{', '.join(f'`{n}`' for n in p.quasi_identifiers)} in the output is shared by at least "
        f"**k = {p.k}** rows (an absent optional column is left out of the combination); "
        + _ACTION_WORDS[p.action].format(levels="; ".join(levels))
        + "."
    ]
    if p.sensitive:
        lines.append(
            f"Each class also holds at least **l = {p.l}** distinct values of `{p.sensitive}` (l-diversity)."
        )
    if p.left_out:
        reasons = "; ".join(f"`{name}`: {reason.rstrip('.')}" for name, reason in p.left_out)
        lines.append(f"Left out of the combination on purpose ({reasons}).")
    lines.append("verify.py checks the smallest class of every output against k.")
    return "\n\n" + " ".join(lines)


def render(document: str, rubric: Rubric) -> str:
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(document):
        raise Refused(f"rubric.md lacks the generated-table markers; add the lines\n{BEGIN}\n{END}")
    block = BEGIN + "\n" + column_table(rubric) + privacy_section(rubric) + "\n" + END
    return pattern.sub(lambda _: block, document)


def add_arguments(p) -> None:
    p.add_argument("--rubric", default="rubric.yaml")
    p.add_argument("--write", metavar="RUBRIC_MD", help="rewrite the table inside this file")
    p.add_argument("--check", metavar="RUBRIC_MD", help="exit 1 if the file's table has drifted")


def main(args) -> int:
    rubric = load_rubric(args.rubric)
    target = args.write or args.check
    if not target:
        print(column_table(rubric) + privacy_section(rubric))
        return 0
    try:
        current = Path(target).read_text(encoding="utf-8")
    except OSError:
        raise UsageError(f"{target} cannot be read.") from None
    updated = render(current, rubric)
    if args.check:
        if updated != current:
            raise Refused(
                f"{target}'s column table differs from {args.rubric}; run "
                f"`pii-mask docs --rubric {args.rubric} --write {target}`."
            )
        print(f"{target} matches {args.rubric}")
        return 0
    Path(target).write_text(updated, encoding="utf-8")
    print(f"wrote the column table of {target} from {args.rubric}")
    return 0
