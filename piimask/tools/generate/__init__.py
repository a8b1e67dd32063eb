"""Synthetic tool telemetry with a realistic PII surface, and its labelled ground truth.

Faker value pools (operators, tools, job sites) are built on the driver from the seed, turned into
constant arrays of structs, and expanded to N rows natively: ``spark.range(N)``, xxhash64-based
choices and ``element_at`` on the pools; no Python UDF runs per row. ``operator_notes`` is built
from templates with ``concat``, and each template's entity spans come from the lengths of its
pieces, so the labels are exact. The same seed, row count and Faker version give the same rows, byte for byte.

Modules, bottom to top: ``pools`` (the output columns, constants and the driver's value pools),
``notes`` (the note templates and their labels), ``frame`` (the row expressions, ``generate``),
``write`` (files from Spark or the driver) and ``cli`` (the sub-command).

Regenerate the committed sample::

    python data/generate_synthetic.py --rows 300 --seed 7 --format csv --single-file \\
        --output data/sample_tool_telemetry.csv --labels data/sample_tool_telemetry.labels.jsonl
"""

from __future__ import annotations

from piimask.tools.generate.cli import add_arguments, main
from piimask.tools.generate.frame import check_arguments, generate, generate_with_labels
from piimask.tools.generate.notes import TEMPLATE_SETS
from piimask.tools.generate.pools import (
    COLUMNS,
    ENTITY_TYPES,
    FORMATS,
    KEY_COLUMNS,
    SINGLE_FILE_MAX_ROWS,
    GenerateError,
)
from piimask.tools.generate.write import write, write_labels

__all__ = [
    "COLUMNS",
    "ENTITY_TYPES",
    "FORMATS",
    "KEY_COLUMNS",
    "SINGLE_FILE_MAX_ROWS",
    "TEMPLATE_SETS",
    "GenerateError",
    "add_arguments",
    "check_arguments",
    "generate",
    "generate_with_labels",
    "main",
    "write",
    "write_labels",
]
