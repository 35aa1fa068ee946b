"""The serving path runs one way: route → path → resolve → decide → send. No module of
it imports one above it, deferred or not, and the layers below serving never reach up."""

from __future__ import annotations

import ast
from pathlib import Path

import devstatic

PACKAGE = Path(devstatic.__file__).parent


def imported(path: Path) -> set[str]:
    """Every ``devstatic`` module ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("devstatic.")}


def serve_graph() -> dict[str, set[str]]:
    """``serve`` module name → the ``serve`` modules it imports."""
    return {
        path.stem: {
            name.rsplit(".", 1)[1] for name in imported(path) if name.startswith("devstatic.serve.")
        }
        for path in (PACKAGE / "serve").glob("*.py")
        if path.stem != "__init__"
    }


def test_no_serving_module_imports_the_middleware() -> None:
    importers = sorted(name for name, uses in serve_graph().items() if "middleware" in uses)
    assert importers == []


def test_send_is_the_bottom_it_knows_only_the_representation_it_writes() -> None:
    assert serve_graph()["send"] == {"representation"}
    assert serve_graph()["representation"] == set()


def test_the_serving_modules_import_each_other_without_a_cycle() -> None:
    graph = serve_graph()
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path, name))
        if name in done:
            return
        for used in sorted(graph.get(name, ())):
            visit(used, (*path, name))
        done.add(name)

    for name in sorted(graph):
        visit(name, ())


def test_the_layers_below_serving_never_import_it() -> None:
    reaching_up = sorted(
        f"{path.relative_to(PACKAGE)} -> {name}"
        for folder in ("http", "disk", "config", "links", "manifest", "storage")
        for path in (PACKAGE / folder).glob("*.py")
        for name in imported(path)
        if name.startswith("devstatic.serve")
    )
    assert reaching_up == []
