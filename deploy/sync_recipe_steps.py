"""Rewrite the DataBrewRecipe Steps of deploy/template.yaml from rubric.yaml (``make recipe`` runs it).

tests/test_template.py fails when the template's steps and the generated recipe drift apart.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from piimask.aws.recipe import build_recipe
from piimask.rubric.load import load_rubric

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "template.yaml"
START = "      Steps:\n"


def main() -> int:
    steps = build_recipe(load_rubric(ROOT / "rubric.yaml"), "@@HASH@@", "@@TOKEN@@")
    steps = json.loads(
        json.dumps(steps)
        .replace('"@@HASH@@"', '{"Ref": "DataBrewHashSecret"}')
        .replace('"@@TOKEN@@"', '{"Ref": "DataBrewTokenSecret"}')
    )
    body = yaml.safe_dump(steps, sort_keys=False, width=1000, allow_unicode=True)
    block = "".join("        " + line + "\n" for line in body.splitlines())
    text = TEMPLATE.read_text()
    head, rest = text.split(START, 1)
    # the Steps block ends at the first line indented less than its items
    lines = rest.splitlines(keepends=True)
    end = next(i for i, line in enumerate(lines) if line.strip() and not line.startswith("        "))
    TEMPLATE.write_text(head + START + block + "".join(lines[end:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
