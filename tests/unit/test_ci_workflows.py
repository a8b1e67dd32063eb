"""The GitHub workflows: actions pinned by commit, CI runs ruff, cfn-lint and the fast tests, and
no path filter skips a folder that changes behaviour."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BEHAVIOUR = ["piimask/x.py", "deploy/template.yaml", "databrew/recipe.json", "tests/unit/x.py", "jvm/pom.xml"]


def _triggers(doc: dict) -> dict:
    return doc.get("on") or doc.get(True) or {}  # YAML 1.1 reads a bare `on:` key as True


def test_every_action_is_pinned_by_a_commit():
    uses = [m for w in WORKFLOWS for m in re.findall(r"uses:\s*(\S+)", w.read_text())]
    assert uses
    assert [u for u in uses if not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u)] == []


def test_no_path_filter_skips_a_change_that_alters_behaviour():
    for workflow in WORKFLOWS:
        for event, spec in _triggers(yaml.safe_load(workflow.read_text())).items():
            paths = (spec or {}).get("paths")
            if paths is None:
                continue
            missed = [f for f in BEHAVIOUR if not any(fnmatch.fnmatch(f, p) for p in paths)]
            assert missed == [], f"{workflow.name} {event} skips {missed}"


def test_ci_runs_ruff_cfn_lint_and_the_fast_tests_on_every_change():
    doc = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    assert all((spec or {}).get("paths") is None for spec in _triggers(doc).values())
    runs = " ".join(step.get("run", "") for job in doc["jobs"].values() for step in job["steps"])
    for command in ("ruff check", "ruff format --check", "cfn-lint deploy/template.yaml", "make test-fast"):
        assert command in runs
