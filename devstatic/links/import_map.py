"""``importmap()``: a ``<script type="importmap">`` whose URLs are ``static()`` URLs.

Built from ``[tool.devstatic.importmap]`` (``imports``, ``scopes``, ``preload``) and
from what is being served:

- every target is a ``static()`` URL, hashed when hashed names are in use; a prefix
  entry (``"lib/" = "vendor/lib/"``) maps to its folder, and with hashed names also
  maps each module under it to its hashed URL (a prefix match is not mapped again);
- with the storage option ``js-imports = "importmap"`` every collected module's plain
  URL maps to its hashed URL: import maps apply to resolved relative URLs too, so
  ``import "./util.js"`` inside ``app.<hash>.js`` loads ``util.<hash>.js`` although
  collectstatic left the import as written, and changing one module renames only it;
- with the storage option ``integrity`` an ``integrity`` section gives each module's
  value (HTML's import map ``integrity``): the manifest's in production, the
  sources' in development;
- ``<link rel="modulepreload">`` follows for each ``preload`` entry and every module
  it reaches by static imports (found by the manifest's own JS scanner).

The map is computed from plain data by :func:`build_import_map` and written by
:func:`render_import_map`, both pure; :class:`Site` is what they ask of the world.
"""

from __future__ import annotations

import html
import json
import posixpath
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import quote, urlsplit

from devstatic.config.import_map import is_url
from devstatic.config.settings import Settings
from devstatic.manifest.rewrite import static_import_specifiers

__all__ = [
    "ImportMap",
    "Site",
    "build_import_map",
    "importmap",
    "is_module",
    "render_import_map",
    "resolve_import",
]

#: File names treated as JavaScript modules (mapped, preloaded, given integrity).
MODULE_SUFFIXES = (".js", ".mjs")


def is_module(name: str) -> bool:
    return name.endswith(MODULE_SUFFIXES)


@dataclass
class ImportMap:
    """The import map's JSON sections and the preloads, as plain data."""

    imports: dict[str, str] = field(default_factory=dict)
    scopes: dict[str, dict[str, str]] = field(default_factory=dict)
    integrity: dict[str, str] | None = None
    #: ``(url, integrity or None)`` in the order the links are written.
    preload: list[tuple[str, str | None]] = field(default_factory=list)


class Site(Protocol):
    """What building an import map needs to know about the static files being served."""

    static_url: str
    #: Whether the storage option ``integrity`` is set (the map then has the section).
    integrity_on: bool

    def url(self, path: str) -> str:
        """``static(path)``; raises ``ValueError`` for a file that is not there."""

    def hashed_names(self) -> Mapping[str, str] | None:
        """Every file's plain name → hashed name, or ``None`` when names are plain."""

    def module_text(self, path: str) -> str | None:
        """The module's source text (imports as written), ``None`` when missing."""

    def integrity(self, path: str) -> str:
        """The integrity of what ``url(path)`` serves (asked only when ``integrity_on``)."""

    def recorded_integrity(self) -> Mapping[str, str]:
        """Values already known for many files at once (the manifest's table), or ``{}``."""

    def version(self) -> object | None:
        """What the built map depends on, compared by identity (the loaded manifest), or
        ``None`` when it must be built each time."""


def resolve_import(
    specifier: str,
    referrer: str,
    config: Mapping[str, object],
    static_path: str,
    referrer_url: str = "",
    static_url: str = "",
) -> str | None:
    """The static path a module's ``specifier`` loads, or ``None`` (external, unknown).

    ``./x.js`` and ``../x.js`` resolve against ``referrer`` (a static path); a
    specifier under ``static_path`` (``/static/x.js``) or under an absolute
    ``static_url`` is that file; a bare one goes through the config's ``scopes``
    (those prefixing ``referrer_url``, longest first), then ``imports``, exact key
    first, else the longest ``/``-ending prefix, as HTML's "resolve a module
    specifier" does. Nothing resolves outside ``static_url``.
    """
    path = urlsplit(specifier).path
    if specifier.startswith(("./", "../")):
        return _inside(posixpath.join(posixpath.dirname(referrer), path))
    if static_url.startswith(("http://", "https://")) and specifier.startswith(static_url):
        return _inside(urlsplit(specifier[len(static_url) :]).path)
    if specifier.startswith("//"):
        return None  # another host
    if specifier.startswith("/"):
        if path.startswith(static_path):
            return _inside(path[len(static_path) :])
        return None
    tables: list[Mapping[str, str]] = []
    scopes = config.get("scopes", {})
    assert isinstance(scopes, Mapping)
    for prefix in sorted(scopes, key=len, reverse=True):
        if referrer_url.startswith(prefix):
            tables.append(scopes[prefix])
    imports = config.get("imports", {})
    assert isinstance(imports, Mapping)
    tables.append(imports)
    for table in tables:
        target = _match(specifier, table)
        if target is not None:
            return None if is_url(target) else target
    return None


def _inside(path: str) -> str | None:
    """``path`` normalised, or ``None`` when it is empty or climbs out with ``..``."""
    joined = posixpath.normpath(path) if path else "."
    return None if joined in (".", "..") or joined.startswith("../") else joined


def _match(specifier: str, table: Mapping[str, str]) -> str | None:
    if specifier in table and not specifier.endswith("/"):
        return table[specifier]
    prefixes = [key for key in table if key.endswith("/") and specifier.startswith(key)]
    if not prefixes:
        return None
    longest = max(prefixes, key=len)
    return table[longest] + specifier[len(longest) :]


def _map_entries(
    site: Site, table: Mapping[str, str], hashed: Mapping[str, str] | None
) -> dict[str, str]:
    out: dict[str, str] = {}
    for specifier, target in table.items():
        if is_url(target):
            out[specifier] = target
        elif target.endswith("/"):
            out[specifier] = site.static_url + quote(target)
            for name in sorted(hashed or ()):
                if name.startswith(target) and is_module(name):
                    out[specifier + name[len(target) :]] = site.url(name)
        else:
            out[specifier] = site.url(target)
    return out


def build_import_map(
    config: Mapping[str, object], site: Site, *, map_modules: bool, static_path: str
) -> ImportMap:
    """The import map for ``config`` (a checked ``Settings.importmap``) over ``site``.

    ``map_modules`` is ``js-imports = "importmap"``: every module's plain URL is mapped
    to its hashed URL (nothing to map while names are plain).
    """
    hashed = site.hashed_names()
    imports_config = config.get("imports", {})
    scopes_config = config.get("scopes", {})
    preload_config = config.get("preload", ())
    assert isinstance(imports_config, Mapping) and isinstance(scopes_config, Mapping)
    assert isinstance(preload_config, tuple)
    result = ImportMap(imports=_map_entries(site, imports_config, hashed))
    for prefix, scope in scopes_config.items():
        result.scopes[prefix] = _map_entries(site, scope, hashed)
    if map_modules and hashed:
        for name, hashed_name in sorted(hashed.items()):
            if is_module(name) and name != hashed_name:
                result.imports.setdefault(
                    site.static_url + quote(name), site.static_url + quote(hashed_name)
                )

    # Modules the map names as files, then every module the preloads reach.
    targets = [
        target
        for entries in (imports_config, *scopes_config.values())
        for target in entries.values()
        if not is_url(target) and not target.endswith("/")
    ]
    reached = _reach(config, site, list(preload_config), static_path)

    if site.integrity_on:
        table: dict[str, str] = {}
        for name, value in sorted(site.recorded_integrity().items()):
            if is_module(name):
                table[site.url(name)] = value
        for name in dict.fromkeys([*targets, *reached]):
            table[site.url(name)] = site.integrity(name)
        result.integrity = table
    for name in reached:
        url = site.url(name)
        result.preload.append((url, None if result.integrity is None else result.integrity[url]))
    return result


def _reach(
    config: Mapping[str, object], site: Site, entries: list[str], static_path: str
) -> list[str]:
    """``entries`` and the modules they import statically, breadth first, each once."""
    seen = dict.fromkeys(entries)
    queue = list(seen)
    while queue:
        name = queue.pop(0)
        text = site.module_text(name)
        if text is None:
            continue
        referrer_url = site.url(name)
        for specifier in static_import_specifiers(text):
            target = resolve_import(
                specifier, name, config, static_path, referrer_url, site.static_url
            )
            if target is not None and target not in seen and site.module_text(target) is not None:
                seen[target] = None
                queue.append(target)
    return list(seen)


def _script_json(data: object) -> str:
    """JSON that cannot end the ``<script>`` element nor open a comment in it."""
    text = json.dumps(data, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_import_map(result: ImportMap) -> str:
    """``<script type="importmap">`` then one ``<link rel="modulepreload">`` per line."""
    data: dict[str, object] = {"imports": result.imports}
    if result.scopes:
        data["scopes"] = result.scopes
    if result.integrity is not None:
        data["integrity"] = result.integrity
    lines = [f'<script type="importmap">\n{_script_json(data)}\n</script>']
    for url, value in result.preload:
        attributes = f' integrity="{html.escape(value)}"' if value else ""
        lines.append(f'<link rel="modulepreload" href="{html.escape(url)}"{attributes}>')
    return "\n".join(lines)


_lock = threading.Lock()
#: id(settings) → (settings, the manifest it was built from, the HTML). Bounded.
_rendered: dict[int, tuple[Settings, object, str]] = {}
_MAX_RENDERED = 16  # as many as static() keeps storages (urls.MAX_STORAGES)


def importmap(settings: Settings | None = None) -> str:
    """The ``<script type="importmap">`` element and its ``<link rel="modulepreload">``
    elements, for ``settings`` (default: ``Settings.load()``, as ``static()``).

    In production with a manifest the HTML is kept until the manifest changes (a page
    of 1,111 modules took ~0.2 s to build); in development it is built each call, so
    an edited import shows on the next render.
    """
    from devstatic.links.import_map_site import site_for
    from devstatic.links.static import default_settings

    settings = settings or default_settings()
    site, map_modules = site_for(settings)
    version = site.version()
    if version is not None:
        with _lock:
            cached = _rendered.get(id(settings))
        if cached is not None and cached[0] is settings and cached[1] is version:
            return cached[2]
    built = build_import_map(
        settings.importmap, site, map_modules=map_modules, static_path=settings.static_path
    )
    html = render_import_map(built)
    if version is not None:
        with _lock:
            if len(_rendered) >= _MAX_RENDERED and id(settings) not in _rendered:
                _rendered.pop(next(iter(_rendered)))
            _rendered[id(settings)] = (settings, version, html)
    return html
