"""The protocol modules form no import cycle: rule engines know the actions they invoke
(a Protocol), not the runtime that assembles the components carrying them out."""

from __future__ import annotations

import ast
from pathlib import Path

PROTOCOLS = Path(__file__).resolve().parents[2] / "src" / "qfab" / "protocols"


def _imports_of_protocols() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PROTOCOLS.glob("*.py"):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and \
                    node.module.startswith("qfab.protocols."):
                found.add(node.module.rsplit(".", 1)[1])
            elif isinstance(node, ast.Import):
                found.update(alias.name.rsplit(".", 1)[1] for alias in node.names
                             if alias.name.startswith("qfab.protocols."))
        graph[path.stem] = found
    return graph


def test_protocol_modules_have_no_import_cycle() -> None:
    graph = _imports_of_protocols()
    done: set[str] = set()

    def visit(module: str, stack: tuple[str, ...]) -> None:
        assert module not in stack, " -> ".join((*stack, module))
        if module in done:
            return
        for imported in graph.get(module, set()):
            visit(imported, (*stack, module))
        done.add(module)

    for module in graph:
        visit(module, ())


def test_only_the_assembly_imports_the_runtime() -> None:
    graph = _imports_of_protocols()
    assert not [module for module, imported in graph.items() if "runtime" in imported]
