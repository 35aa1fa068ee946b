"""Jinja2 support: ``{% static 'css/site.css' %}``, ``{% static name as url %}``, ``static()``.

Settings come from ``environment.devstatic_settings`` when set, else ``Settings.load()``.
"""

from __future__ import annotations

from typing import Any

from jinja2 import nodes
from jinja2.environment import Environment
from jinja2.ext import Extension
from jinja2.parser import Parser

from devstatic.settings import Settings
from devstatic.urls import default_settings, static


class StaticExtension(Extension):
    """Adds the ``static`` tag and global, as Django's ``{% static %}``."""

    tags = {"static"}

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals["static"] = self._static_global

    def _settings(self) -> Settings:
        configured = getattr(self.environment, "devstatic_settings", None)
        return configured if isinstance(configured, Settings) else default_settings()

    def _static_global(self, path: str) -> str:
        return static(path, self._settings())

    def _url(self, path: Any) -> str:
        return static(str(path), self._settings())

    def parse(self, parser: Parser) -> nodes.Node | list[nodes.Node]:
        lineno = next(parser.stream).lineno
        path = parser.parse_expression()
        call = self.call_method("_url", [path], lineno=lineno)
        if parser.stream.skip_if("name:as"):
            target = parser.parse_assign_target(name_only=True)
            return nodes.Assign(target, call, lineno=lineno)
        return nodes.Output([call], lineno=lineno)
