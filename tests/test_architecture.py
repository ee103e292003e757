"""The house's one-way rules, checked on the source: a change that breaks one fails here.

Imports are read with `ast` (type-only and function-level imports included), so a cycle or a
forbidden edge is found whether or not the code path runs in a test.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "models")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {
    _module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
}


def _imported(module: str, path: Path) -> Iterator[str]:
    """Every project module `module` names in an import: `from X import Y` counts X and, when Y
    is a module, X.Y (a package's own `__init__` importing its modules is not an edge back)."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            if name in MODULES and name != module:
                yield name


GRAPH: dict[str, set[str]] = {
    module: set(_imported(module, path)) for module, path in MODULES.items()
}


def _cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return found


def _edges(source: str, target: str) -> list[str]:
    return sorted(
        f"{module} -> {imported}"
        for module, imports in GRAPH.items()
        if module.startswith(source)
        for imported in imports
        if imported == target or imported.startswith(target + ".")
    )


def test_no_import_cycles() -> None:
    assert _cycles() == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("bot.services", "bot.blocks"),
        ("bot.services", "bot.delivery.dispatcher"),
        ("bot.services", "bot.delivery.kinds"),
        ("bot.services", "handlers"),
        ("bot.blocks", "bot.delivery"),
        ("bot.blocks", "handlers"),
        ("bot.blocks", "models"),
        ("handlers", "models"),
        ("models", "bot"),
    ],
)
def test_data_flows_one_way(source: str, target: str) -> None:
    assert _edges(source, target) == []


def test_the_matching_engine_imports_only_itself() -> None:
    outside = {
        f"{module} -> {imported}"
        for module, imports in GRAPH.items()
        if module.startswith("bot.pairing")
        for imported in imports
        if not imported.startswith("bot.pairing")
    }
    assert outside == set()


def test_importing_a_service_loads_no_slack_client() -> None:
    services = sorted(module for module in MODULES if module.startswith("bot.services."))
    probe = (
        "import importlib, sys\n"
        f"for name in {services!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('slack_sdk', 'slack_bolt', "
        "'aiohttp'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_no_production_module_over_700_lines() -> None:
    long = {
        module: lines
        for module, path in MODULES.items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 700
    }
    assert long == {}
