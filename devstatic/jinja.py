"""Jinja2 support: ``{% static 'css/site.css' %}``, ``{% static name as url %}``, ``static()``,
``{% importmap %}`` and the ``importmap()`` and ``integrity()`` globals.

Settings come from ``environment.devstatic_settings`` when set, else ``Settings.load()``.
"""

from __future__ import annotations

from typing import Any

from jinja2 import nodes
from jinja2.environment import Environment
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

from devstatic.config.debug_guard import resolve_debug
from devstatic.config.settings import Settings
from devstatic.links.static import default_settings, static
from devstatic.livereload import live_reload_enabled, script_tag


class StaticExtension(Extension):
    """Adds the ``static`` tag and global, as Django's ``{% static %}``, and
    ``{% devstatic_reload %}`` (the live reload script tag, empty when live reload is off)."""

    tags = {"static", "devstatic_reload", "importmap"}  # noqa: RUF012 - the set Jinja reads

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals["static"] = self._static_global
        environment.globals["importmap"] = self._importmap
        environment.globals["integrity"] = self._integrity_global

    def _settings(self) -> Settings:
        configured = getattr(self.environment, "devstatic_settings", None)
        return configured if isinstance(configured, Settings) else default_settings()

    def _static_global(self, path: str) -> str:
        return static(path, self._settings())

    def _url(self, path: Any) -> str:
        return static(str(path), self._settings())

    def _importmap(self) -> Markup:
        from devstatic.links.import_map import importmap

        return Markup(importmap(self._settings()))

    def _integrity_global(self, path: str) -> str:
        from devstatic.links.integrity import integrity

        return integrity(path, self._settings())

    def _reload_tag(self) -> Markup:
        settings = self._settings()
        if not live_reload_enabled(settings, resolve_debug(settings, None)):
            return Markup("")
        return Markup(script_tag(settings))

    def parse(self, parser: Parser) -> nodes.Node | list[nodes.Node]:
        token = next(parser.stream)
        lineno = token.lineno
        if token.value == "devstatic_reload":
            return nodes.Output([self.call_method("_reload_tag", lineno=lineno)], lineno=lineno)
        if token.value == "importmap":
            return nodes.Output([self.call_method("_importmap", lineno=lineno)], lineno=lineno)
        path = parser.parse_expression()
        call = self.call_method("_url", [path], lineno=lineno)
        if parser.stream.skip_if("name:as"):
            target = parser.parse_assign_target(name_only=True)
            return nodes.Assign(target, call, lineno=lineno)
        return nodes.Output([call], lineno=lineno)
