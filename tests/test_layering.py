"""The packages depend one way only: cli -> evals -> agent -> store -> core, and no module cycles.

Walks every import statement (top level, inside functions, and under TYPE_CHECKING alike) with `ast`,
so a lazy import cannot hide an upward dependency or a cycle.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "store", "agent", "evals")

# Lower number = lower layer. A module may import only from its own layer or lower ones.
# `agent.cli` (the typer commands, chat REPL, demo) is the top: nothing below may import it.
LAYERS = {"core": 0, "store": 1, "prompts": 1, "agent": 2, "evals": 3, "agent.cli": 4}


def layer_of(module: str) -> int:
    best = ""
    for prefix in LAYERS:
        if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    return LAYERS[best]


def module_files() -> dict[str, Path]:
    mods: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            mods[".".join(parts)] = path
    return mods


def _resolve(target: str, known: set[str]) -> str | None:
    """The project module an import lands on (an attribute import lands on its module)."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


@lru_cache(maxsize=1)
def walk() -> dict:
    """The walk, done in a fresh interpreter: CPython 3.11.7's `ast.parse` can fail with "AST
    constructor recursion depth mismatch" in a process where earlier tests ran asyncio/LangChain."""
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, __file__], capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


def import_edges() -> dict[str, set[tuple[str, int]]]:
    return {mod: {(target, line) for target, line in targets} for mod, targets in walk()["edges"].items()}


def _walk_here() -> dict:
    return {"edges": {mod: sorted(targets) for mod, targets in _import_edges().items()},
            "private": _private_imports()}


def _import_edges() -> dict[str, set[tuple[str, int]]]:
    mods = module_files()
    known = set(mods)
    top = set(LAYERS) | set(PACKAGES)
    edges: dict[str, set[tuple[str, int]]] = {m: set() for m in mods}
    for mod, path in mods.items():
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
                    base = base[:len(base) - (node.level - 1)]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                # `from pkg import submodule` depends on the submodule, not on pkg/__init__
                targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in known else module
                           for a in node.names]
            for target in targets:
                if target.split(".")[0] not in top:
                    continue
                resolved = _resolve(target, known)
                if resolved and resolved != mod:
                    edges[mod].add((resolved, node.lineno))
    return edges


def test_no_import_from_a_lower_layer_to_a_higher_one():
    bad = [f"{mod}:{line} imports {target}"
           for mod, targets in import_edges().items() for target, line in sorted(targets)
           if layer_of(target) > layer_of(mod)]
    assert not bad, "upward imports (cli -> evals -> agent -> store -> core):\n" + "\n".join(bad)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def test_no_import_cycles():
    graph = {mod: {target for target, _ in targets} for mod, targets in import_edges().items()}
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_core_imports_nothing_of_the_project():
    bad = [f"{mod} imports {target}" for mod, targets in import_edges().items() if mod.startswith("core")
           for target, _ in targets if not target.startswith("core")]
    assert not bad, "\n".join(bad)


def test_the_walker_sees_lazy_and_relative_imports():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    edges = import_edges()
    assert any(target.startswith("store") for target, _ in edges["agent.corpus"])


def test_sql_lives_in_store_only():
    """Every query is built in store/: the other layers call typed query functions."""
    import re

    sql = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b[^\n]*\b(FROM|INTO|SET)\b|\.db\.(query|write)\(")
    bad = [f"{mod}" for mod, path in module_files().items()
           if not mod.startswith("store") and sql.search(path.read_text(encoding="utf-8"))]
    assert not bad, "SQL outside store/: " + ", ".join(bad)


def test_engine_names_come_from_the_registry():
    from typing import get_args

    import pytest

    from agent.engines.registry import ENGINE_NAMES, engine_name, uses_llm
    from core.errors import UsageError
    from core.settings import EngineName, Settings, get_settings

    assert ENGINE_NAMES == get_args(EngineName) == ("local", "openai", "hybrid")
    assert engine_name("HYBRID") == "hybrid" and uses_llm("openai") and not uses_llm("local")
    assert Settings(engine="OpenAI").engine == "openai"
    with pytest.raises(UsageError, match="unknown engine 'nope'"):
        engine_name("nope")
    with pytest.raises(UsageError, match="unknown engine 'nope'"):   # PAPERS_ENGINE=nope: same one line
        get_settings(engine="nope")


def _private_imports() -> list[str]:
    known = set(module_files())
    bad = []
    for mod, path in module_files().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] in PACKAGES:
                bad += [f"{mod} imports {node.module}.{a.name}" for a in node.names
                        if a.name.startswith("_") and f"{node.module}.{a.name}" not in known]
    return bad


def test_no_private_name_is_imported_from_another_module():
    bad = walk()["private"]
    assert not bad, "\n".join(bad)


if __name__ == "__main__":
    import json

    print(json.dumps(_walk_here()))
