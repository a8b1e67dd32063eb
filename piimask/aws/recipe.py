"""`pii-mask recipe`: the AWS Glue DataBrew recipe generated from rubric.yaml.

Each treatment's record supplies its own steps (``treatments.<name>``, built with
``treatments.databrew``: documented actions and parameter names only), or refuses with a reason
(date_shift). databrew/README.md lists where this path differs from the Glue job (token format,
key windows, fail-closed checks, quarantine, vault, audit).
"""

from __future__ import annotations

import argparse
import json
import sys

from piimask.rubric import Rubric, load_rubric
from piimask.treatments import TREATMENTS
from piimask.treatments.base import DataBrewKeys

__all__ = [
    "DEFAULT_HASH_SECRET",
    "DEFAULT_TOKEN_SECRET",
    "add_arguments",
    "build_recipe",
    "main",
    "render",
]

# DataBrew reads these secrets as base64 key material (not the kit's JSON keyring); see README.
DEFAULT_HASH_SECRET = "piimask/databrew/hash-key"
DEFAULT_TOKEN_SECRET = "piimask/databrew/token-key"


def build_recipe(
    rubric: Rubric, secret_id: str = DEFAULT_HASH_SECRET, token_secret_id: str = DEFAULT_TOKEN_SECRET
) -> list[dict]:
    """DataBrew RecipeSteps for the rubric, in rubric column order."""
    keys = DataBrewKeys(secret_id, token_secret_id)
    steps: list[dict] = []
    for col in rubric.columns:
        steps.extend(TREATMENTS[col.treatment].databrew(col, keys))
    return steps


def render(steps: list[dict]) -> str:
    """Deterministic JSON: sorted keys, two-space indent, trailing newline."""
    return json.dumps(steps, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rubric", default="rubric.yaml", help="path to rubric.yaml")
    parser.add_argument(
        "--secret-id",
        default=DEFAULT_HASH_SECRET,
        help="Secrets Manager secret (id or ARN) for CRYPTOGRAPHIC_HASH",
    )
    parser.add_argument(
        "--token-secret-id",
        default=DEFAULT_TOKEN_SECRET,
        help="Secrets Manager secret (id or ARN) for DETERMINISTIC_ENCRYPT",
    )


def main(args: argparse.Namespace) -> int:
    rubric = load_rubric(args.rubric)
    sys.stdout.write(render(build_recipe(rubric, args.secret_id, args.token_secret_id)))
    return 0
