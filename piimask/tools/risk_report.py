"""`pii-mask report`: one self-contained HTML page on a run's re-identification risk.

The page holds the run's audit summary, the verify result (from a ``verify.py --json`` file, or
a verify run over the output alone), the distribution of equivalence-class sizes before and after
k-anonymity as an inline SVG chart, the share of rows in classes smaller than k, and prosecutor
risk (max and mean of 1/class size). No script, no stylesheet or font from elsewhere, and never a
data value: only counts, column names, reason codes and the run's identifiers.
"""

from __future__ import annotations

import html
import json
import os
import posixpath
from pathlib import Path

from piimask.errors import UsageError
from piimask.storage.audit import AUDIT_DIR, latest_audit
from piimask.storage.paths import is_local

__all__ = ["add_arguments", "bar_chart", "load_audit", "main", "render"]

BEFORE, AFTER, BAD = "#9db4cf", "#1f4e79", "#c0392b"


class _LocalStore:
    """The two calls verify's audit reader makes, on a local folder (no JVM needed)."""

    def list(self, path: str) -> list[str]:
        return sorted(os.listdir(path)) if os.path.isdir(path) else []

    def read_text(self, path: str) -> str:
        return Path(path).read_text(encoding="utf-8")


def load_audit(output: str, store=None) -> dict:
    """The newest audit record under OUTPUT/_audit (adjusted for later erasures, like verify)."""
    record = latest_audit(store or _LocalStore(), output)
    if record is None:
        raise UsageError(
            f"no audit record under {posixpath.join(output, AUDIT_DIR)}; point --output at a job's output."
        )
    return record


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _pct(part: int | float, whole: int | float) -> str:
    return f"{100.0 * part / whole:.2f}%" if whole else "-"


def bar_chart(before: list[dict], after: list[dict], k: int, width: int = 760, height: int = 300) -> str:
    """Grouped bars: classes per class-size bucket, before and after enforcement (inline SVG)."""
    left, bottom, top = 56, 46, 28
    plot_w, plot_h = width - left - 16, height - bottom - top
    peak = max([b["classes"] for b in before] + [a["classes"] for a in after] + [1])
    n = len(before)
    slot = plot_w / n
    bar = slot * 0.36
    parts = [
        f'<svg role="img" aria-labelledby="chart-title" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f'<title id="chart-title">Equivalence classes per class size, before and after k = {k}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>',
    ]
    for frac in (0.25, 0.5, 0.75, 1.0):
        y = top + plot_h * (1 - frac)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{round(peak * frac)}</text>'
        )
    boundary = None
    for i, (b, a) in enumerate(zip(before, after, strict=True)):
        x0 = left + i * slot + slot * 0.14
        if boundary is None and not b.get("below_k"):
            boundary = left + i * slot
        for j, (entry, colour, side) in enumerate(((b, BEFORE, "before"), (a, AFTER, "after"))):
            h = plot_h * entry["classes"] / peak
            x = x0 + j * bar
            fill = BAD if entry.get("below_k") and entry["classes"] and side == "after" else colour
            parts.append(
                f'<rect data-side="{side}" data-sizes="{_e(entry["sizes"])}" '
                f'data-classes="{entry["classes"]}" x="{x:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{bar - 1:.1f}" height="{h:.1f}" fill="{fill}">'
                f"<title>{side}: {entry['classes']} classes of size {_e(entry['sizes'])} "
                f"({entry.get('rows', 0)} rows)</title></rect>"
            )
            if entry["classes"]:
                parts.append(
                    f'<text x="{x + bar / 2:.1f}" y="{top + plot_h - h - 3:.1f}" text-anchor="middle" '
                    f'font-size="9">{entry["classes"]}</text>'
                )
        parts.append(
            f'<text x="{left + i * slot + slot / 2:.1f}" y="{top + plot_h + 15}" '
            f'text-anchor="middle">{_e(b["sizes"])}</text>'
        )
    if boundary is not None:
        parts.append(
            f'<line x1="{boundary:.1f}" y1="{top - 6}" x2="{boundary:.1f}" y2="{top + plot_h}" '
            f'stroke="{BAD}" stroke-dasharray="4 3"/>'
            f'<text x="{boundary + 4:.1f}" y="{top - 10}" fill="{BAD}">k = {k}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle">'
        "class size (rows sharing the quasi-identifiers)</text>"
        f'<text transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" '
        'text-anchor="middle">classes</text>'
        f'<rect x="{left + plot_w - 170}" y="6" width="10" height="10" fill="{BEFORE}"/>'
        f'<text x="{left + plot_w - 156}" y="15">before</text>'
        f'<rect x="{left + plot_w - 100}" y="6" width="10" height="10" fill="{AFTER}"/>'
        f'<text x="{left + plot_w - 86}" y="15">after enforcement</text>'
        "</svg>"
    )
    return "".join(parts)


def _rows(pairs) -> str:
    return "".join(
        f'<tr><th>{_e(label)}</th><td data-metric="{_e(key)}">{_e(value)}</td></tr>'
        for label, key, value in pairs
    )


def _verify_section(result: dict | None, source: str) -> str:
    if not result:
        return "<p>No verify result.</p>"
    verdict = str(result.get("verdict", "?"))
    colour = "#1e7b34" if verdict == "pass" else BAD
    body = [
        f'<p>Source: {_e(source)}. Verdict: <strong data-metric="verdict" style="color:{colour}">'
        f'{_e(verdict.upper())}</strong>: <span data-metric="checks_held">'
        f"{int(result.get('checks', 0)) - int(result.get('violated', 0))}</span> of "
        f'<span data-metric="checks">{_e(result.get("checks", 0))}</span> checks hold.</p>',
        "<table><tr><th>reason</th><th>meaning</th><th>checks</th><th>violations</th></tr>",
    ]
    for reason, group in sorted((result.get("by_reason") or {}).items()):
        results = group.get("results") or []
        failed = sum(1 for r in results if not r.get("passed"))
        violations = sum(int(r.get("count") or 0) for r in results if not r.get("passed"))
        style = f' style="color:{BAD}"' if failed else ""
        body.append(
            f"<tr{style}><td>{_e(reason)}</td><td>{_e(group.get('meaning', ''))}</td>"
            f'<td>{len(results)}</td><td data-reason="{_e(reason)}">{violations}</td></tr>'
        )
    body.append("</table>")
    return "".join(body)


def _summary(audit: dict) -> str:
    """The run's rows: identifiers, times, outcome, rubric and counts."""
    counts = audit.get("counts") or {}
    rubric = audit.get("rubric") or {}
    return _rows(
        [
            ("run id", "run_id", audit.get("run_id", "")),
            ("started / ended (UTC)", "time", f"{audit.get('started_at', '')} / {audit.get('ended_at', '')}"),
            ("outcome", "outcome", audit.get("outcome", "")),
            ("rubric version", "rubric_version", rubric.get("version", "")),
            ("rubric sha256", "rubric_sha256", str(rubric.get("sha256", ""))[:16] + "..."),
            ("rows in", "rows_in", counts.get("rows_in", "")),
            ("rows out", "rows_out", counts.get("rows_out", "")),
            ("rows quarantined", "rows_quarantined", counts.get("rows_quarantined", "")),
            ("rows suppressed", "rows_suppressed", counts.get("rows_suppressed", "")),
        ]
    )


def _privacy_rows(p: dict) -> str:
    """The k-anonymity settings and outcome, one row each (l-diversity when the run asked for it)."""
    a = p["after"]
    return _rows(
        [
            ("k required", "k", p["k"]),
            ("action", "action", p["action"]),
            ("quasi-identifiers", "quasi_identifiers", ", ".join(p["quasi_identifiers"])),
            (
                "absent from the input",
                "absent_quasi_identifiers",
                ", ".join(p.get("absent_quasi_identifiers") or []) or "-",
            ),
            ("k achieved (smallest class)", "k_achieved", a["smallest_class"]),
            ("classes", "classes", p["classes"]),
            ("rows generalized", "rows_generalized", p["rows_generalized"]),
            ("rows suppressed", "privacy_rows_suppressed", p["rows_suppressed"]),
        ]
        + ([("l required / achieved", "l", f"{p['l']} / {p.get('l_achieved')}")] if p.get("l") else [])
    )


def _risk_table(b: dict, a: dict) -> list[str]:
    """Before and after enforcement: rows, classes, rows in small or unique classes, prosecutor risk."""
    return [
        "<table><tr><th></th><th>before</th><th>after</th></tr>",
        f'<tr><th>rows</th><td data-metric="before_rows">{b["rows"]}</td>'
        f'<td data-metric="after_rows">{a["rows"]}</td></tr>',
        f'<tr><th>classes</th><td data-metric="before_classes">{b["classes"]}</td>'
        f'<td data-metric="after_classes">{a["classes"]}</td></tr>',
        f"<tr><th>rows in classes smaller than k</th>"
        f'<td data-metric="before_small_rows">{b["rows_in_small_classes"]}</td>'
        f'<td data-metric="after_small_rows">{a["rows_in_small_classes"]}</td></tr>',
        f"<tr><th>share of rows in classes smaller than k</th>"
        f'<td data-metric="before_small_share">{_pct(b["rows_in_small_classes"], b["rows"])}</td>'
        f'<td data-metric="after_small_share">{_pct(a["rows_in_small_classes"], a["rows"])}'
        "</td></tr>",
        f"<tr><th>rows unique on the quasi-identifiers</th>"
        f'<td data-metric="before_unique_rows">{b["rows_in_unique_classes"]}</td>'
        f'<td data-metric="after_unique_rows">{a["rows_in_unique_classes"]}</td></tr>',
        f"<tr><th>prosecutor risk, max (1 / smallest class)</th>"
        f'<td data-metric="before_risk_max">{b["prosecutor_risk_max"]:.4f}</td>'
        f'<td data-metric="after_risk_max">{a["prosecutor_risk_max"]:.4f}</td></tr>',
        f"<tr><th>prosecutor risk, mean (classes / rows)</th>"
        f'<td data-metric="before_risk_mean">{b["prosecutor_risk_mean"]:.4f}</td>'
        f'<td data-metric="after_risk_mean">{a["prosecutor_risk_mean"]:.4f}</td></tr>',
        "</table>",
    ]


def _histogram_table(before: list[dict], after: list[dict]) -> list[str]:
    """Classes and rows per class-size bucket, before and after enforcement."""
    return [
        "<table><tr><th>class size</th><th>classes before</th><th>rows before</th>"
        "<th>classes after</th><th>rows after</th></tr>",
        *[
            f"<tr><td>{_e(x['sizes'])}</td><td>{x['classes']}</td><td>{x.get('rows', '')}</td>"
            f"<td>{y['classes']}</td><td>{y.get('rows', '')}</td></tr>"
            for x, y in zip(before, after, strict=True)
        ],
        "</table>",
    ]


def _privacy_section(p: dict | None) -> str:
    """The k-anonymity section: settings, the class-size chart, risk and the histogram's table."""
    if not p:
        return "<h2>k-anonymity</h2><p>The rubric of this run has no privacy section: not measured.</p>"
    b, a = p["before"], p["after"]
    return "".join(
        [
            "<h2>k-anonymity</h2><table>",
            _privacy_rows(p),
            "</table><h2>Class sizes</h2>",
            bar_chart(b["class_size_histogram"], a["class_size_histogram"], p["k"]),
            *_risk_table(b, a),
            *_histogram_table(b["class_size_histogram"], a["class_size_histogram"]),
        ]
    )


def render(audit: dict, verify_result: dict | None, verify_source: str) -> str:
    """The page, from an audit record and a verify report dict; counts and column names only."""
    title = f"Re-identification risk: run {audit.get('run_id', '')}"
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_e(title)}</title><style>"
        "body{font-family:sans-serif;margin:24px;max-width:900px;color:#222}"
        "table{border-collapse:collapse;margin:8px 0 18px}"
        "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:13px}"
        "th{background:#f3f5f8;font-weight:600}h1{font-size:20px}h2{font-size:16px;margin-top:22px}"
        "</style></head><body>"
        f"<h1>{_e(title)}</h1>"
        "<p>Counts and column names only: this page holds no data value.</p>"
        f"<h2>Run</h2><table>{_summary(audit)}</table>"
        f"{_privacy_section(audit.get('privacy'))}"
        f"<h2>verify.py</h2>{_verify_section(verify_result, verify_source)}"
        "</body></html>\n"
    )


def add_arguments(p) -> None:
    p.add_argument("--output", required=True, help="the job's masked output folder")
    p.add_argument("--verify-json", help="a `verify.py --json` report to show (else verify runs)")
    p.add_argument("--html", default="risk-report.html", help="where to write the page")
    p.add_argument("--rubric", default="rubric.yaml", help="rubric for the verify run (no --verify-json)")
    p.add_argument("--raw", help="raw input for the verify run (optional)")
    p.add_argument("--quarantine", help="quarantine folder for the verify run (optional)")


def main(args) -> int:
    if is_local(args.output) and not os.path.isdir(args.output):
        raise UsageError(f"--output {args.output} does not exist; check the path.")
    spark = None
    store = None
    if not is_local(args.output) or not args.verify_json:
        from piimask.session import get_spark
        from piimask.storage.fs import Storage

        spark = get_spark("pii-mask-report")
        store = Storage(spark) if not is_local(args.output) else None
    audit = load_audit(args.output, store)
    if args.verify_json:
        try:
            result = json.loads(Path(args.verify_json).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise UsageError(f"--verify-json {args.verify_json} cannot be read as JSON.") from None
        source = f"verify.py --json ({Path(args.verify_json).name})"
    else:
        from piimask.verify import verify

        report = verify(spark, args.rubric, args.output, raw=args.raw, quarantine=args.quarantine)
        result = report.to_dict()
        source = "verify run by this report" + (" with the raw input" if args.raw else " (output alone)")
    page = render(audit, result, source)
    Path(args.html).parent.mkdir(parents=True, exist_ok=True)
    Path(args.html).write_text(page, encoding="utf-8")
    print(f"wrote {args.html}")
    return 0
