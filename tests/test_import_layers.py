"""The house's floors: every import (at the top of a module or inside a function) goes down the floors
below, never up and never round in a circle, so a reader following one concept always walks down."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# lowest first; a package imports only from floors below its own, and from itself
FLOORS = [
    ["trainables.errors", "trainables.secrets", "trainables.metric_registry"],
    ["trainables.data"],
    ["trainables.compute"],
    ["trainables.adversarial", "trainables.convergence"],
    ["trainables.attacks"],
    ["trainables.config"],
    ["trainables.earlyrobust"],
    ["trainables.search_sharing", "trainables.search_reports"],
    ["trainables.phase_clock"],
    ["trainables.pipeline", "trainables.preset_tickets"],
    ["trainables.tune"],
    ["search_spaces"],
    ["platform"],
]


def room(module: str) -> str:
    """The floor entry a module belongs to (its package, or itself)."""
    return max((r for floor in FLOORS for r in floor if module == r or module.startswith(r + ".")), key=len)


def floor_of(module: str) -> int:
    return next(i for i, floor in enumerate(FLOORS) if room(module) in floor)


def modules() -> dict[str, Path]:
    out = {}
    for top in ("trainables", "search_spaces", "platform"):
        for path in (ROOT / top).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            out[name] = path
    return out


def imports(path: Path, known: dict) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in found if m in known and m != "trainables"}


def test_every_import_goes_down_and_nothing_goes_round():
    known = modules()
    graph = {name: imports(path, known) - {name} for name, path in known.items() if name != "trainables"}
    up = [
        f"{a} -> {b}"
        for a, targets in graph.items()
        for b in targets
        if room(a) != room(b) and floor_of(b) >= floor_of(a)
    ]
    assert not up, up
    seen, stack = {}, []

    def visit(node):  # depth-first: a module met again while on the stack closes a circle
        seen[node] = "open"
        stack.append(node)
        for nxt in graph.get(node, ()):
            assert seen.get(nxt) != "open", " -> ".join(stack[stack.index(nxt) :] + [nxt])
            if nxt not in seen:
                visit(nxt)
        seen[node] = "done"
        stack.pop()

    for node in graph:
        if node not in seen:
            visit(node)


def test_every_module_name_is_unique():
    names = {}
    for path in [
        *ROOT.glob("trainables/**/*.py"),
        *ROOT.glob("platform/*.py"),
        *ROOT.glob("search_spaces/*.py"),
        *ROOT.glob("benchmarks/*.py"),
        *ROOT.glob("tests/**/*.py"),
    ]:
        if path.name not in ("__init__.py", "conftest.py"):
            names.setdefault(path.name, []).append(str(path.relative_to(ROOT)))
    assert not {n: p for n, p in names.items() if len(p) > 1}
