"""The report: one ``Result`` per check, and the ``Report`` that groups them by reason.

A result holds a check's name, its column, its reason code, whether it held, the count of
violations and a message made of counts and column names only; the report renders the results as
JSON (``to_json``) and as a table (``table``), and says the exit code. No value ever reaches it.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict, dataclass

from piimask.verify.reasons import meaning

__all__ = ["Report", "Result"]


@dataclass(frozen=True)
class Result:
    check: str
    column: str
    reason: str
    passed: bool
    count: int
    message: str

    @classmethod
    def of(cls, check: str, column: str, reason: str, count: int, message: str) -> Result:
        """The result of a check that found ``count`` violations (it holds when there are none)."""
        return cls(check, column, str(reason), count == 0, int(count), message)


@dataclass
class Report:
    results: list[Result]
    rubric: dict
    output: str
    options: dict

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if not r.passed]

    @property
    def passed(self) -> bool:
        return not self.failed

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def by_reason(self) -> dict[str, list[Result]]:
        groups: dict[str, list[Result]] = {}
        for r in sorted(self.results, key=lambda r: (r.passed, r.reason, r.column, r.check)):
            groups.setdefault(r.reason, []).append(r)
        return groups

    def to_dict(self) -> dict:
        return {
            "verdict": "pass" if self.passed else "fail",
            "exit_code": self.exit_code,
            "output": self.output,
            "rubric": self.rubric,
            "options": self.options,
            "checks": len(self.results),
            "violated": len(self.failed),
            "failed_reasons": sorted({r.reason for r in self.failed}),
            "by_reason": {
                reason: {
                    "meaning": meaning(reason) or reason,
                    "results": [asdict(r) for r in results],
                }
                for reason, results in self.by_reason().items()
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"

    def table(self) -> str:
        widths = (40, 22, 11, 6)
        lines = [
            f"verify {self.output}  (rubric {self.rubric['version']}, "
            f"sha256 {self.rubric['sha256'][:12]}...)",
            f"{'check':<{widths[0]}} {'column':<{widths[1]}} {'violations':>{widths[2]}}  status",
        ]
        for reason, results in self.by_reason().items():
            lines.append(f"[{reason}] {meaning(reason) or ''}")
            for r in results:
                status = "ok" if r.passed else "FAIL"
                lines.append(
                    f"  {r.check[: widths[0] - 2]:<{widths[0] - 2}} {r.column[: widths[1]]:<{widths[1]}}"
                    f" {r.count:>{widths[2]}}  {status}"
                )
                if not r.passed:
                    lines.append(textwrap.indent(textwrap.fill(r.message, 92), "      "))
        verdict = "PASS" if self.passed else "FAIL"
        lines.append(
            f"{verdict}: {len(self.results) - len(self.failed)} of {len(self.results)} checks hold"
            + (f"; violated: {', '.join(sorted({r.reason for r in self.failed}))}" if self.failed else "")
        )
        return "\n".join(lines)
