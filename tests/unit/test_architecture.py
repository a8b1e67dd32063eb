"""The package's plan holds: layers import only downward, no module imports another's private
names, modules stay under 500 lines and functions under 80."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "piimask"

# bottom to top; a module may import its own layer and the ones below it
LAYERS = [
    {"piimask", "piimask.errors", "piimask.session"},
    {"piimask.expr"},
    {"piimask.treatments"},
    {"piimask.rubric"},
    {"piimask.keys"},
    {"piimask.storage"},
    {"piimask.frames"},
    {"piimask.verify"},
    {"piimask.job"},
    {"piimask.lifecycle"},
    {"piimask.aws", "piimask.tools"},
    {"piimask.cli"},
]
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts).removesuffix(".__init__")
        yield name, path


def _layer(module: str) -> int:
    parts = module.split(".")
    for depth in (2, 1):
        prefix = ".".join(parts[:depth])
        for i, layer in enumerate(LAYERS):
            if prefix in layer:
                return i
    raise AssertionError(f"{module} is in no layer of tests/test_architecture.py")


def _imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("piimask"):
            yield node.module, [a.name for a in node.names], node.lineno
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("piimask"):
                    yield a.name, [], node.lineno


@pytest.mark.parametrize("module,path", list(_modules()), ids=lambda x: str(x))
def test_imports_go_down_and_never_take_private_names(module, path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    mine = _layer(module)
    for target, names, line in _imports(tree):
        assert _layer(target) <= mine, f"{module}:{line} imports {target}, a layer above it"
        private = [n for n in names if n.startswith("_") and n != "__version__"]
        assert not private, f"{module}:{line} imports private name(s) {private} from {target}"


@pytest.mark.parametrize("module,path", list(_modules()), ids=lambda x: str(x))
def test_modules_and_functions_stay_small(module, path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) < MAX_MODULE_LINES, f"{module} has {len(text.splitlines())} lines"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            assert length < MAX_FUNCTION_LINES, f"{module}.{node.name} has {length} lines"
