"""config/ imports one way: settings reads Django's values through django_settings, and
no module of config/ imports, even late inside a function, one that imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / "devstatic" / "config"


def config_imports(path: Path) -> set[str]:
    """The config modules ``path`` imports anywhere in it (deferred imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found.update(
            name.removeprefix("devstatic.config.")
            for name in names
            if name.startswith("devstatic.config.")
            and (CONFIG / (name.removeprefix("devstatic.config.") + ".py")).is_file()
        )
    return found


def test_django_settings_does_not_import_settings() -> None:
    assert "settings" not in config_imports(CONFIG / "django_settings.py")


def test_config_modules_import_each_other_without_a_circle() -> None:
    graph = {path.stem: config_imports(path) for path in CONFIG.glob("*.py")}
    circles = []

    def visit(module: str, trail: tuple[str, ...]) -> None:
        for imported in sorted(graph.get(module, ())):
            if imported in trail:
                circles.append((*trail[trail.index(imported) :], imported))
            else:
                visit(imported, (*trail, imported))

    for module in sorted(graph):
        visit(module, (module,))
    assert circles == []
