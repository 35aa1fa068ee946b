"""``importmap()``: the setting, the map's URLs in development and production, the
module mapping of ``js-imports = "importmap"``, integrity and preloads."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment

from devstatic import Settings, importmap
from devstatic.collect.collector import CollectOptions, collect
from devstatic.exceptions import ImproperlyConfigured
from devstatic.jinja import StaticExtension
from devstatic.links.import_map import resolve_import
from devstatic.storage import get_storage

MODULES = {
    "js/app.js": 'import { greet } from "./util.js";\nimport { html } from "lit";\n'
    'import "./lib/side.js";\nimport("./lazy.js");\n',
    "js/util.js": 'import { deep } from "./lib/deep.js";\nexport const greet = deep;\n',
    "js/lib/side.js": 'import "../util.js";\n',
    "js/lib/deep.js": "export const deep = 1;\n",
    "js/lazy.js": "export const lazy = 1;\n",
    "vendor/lit/index.js": 'export * from "./html.js";\n',
    "vendor/lit/html.js": "export const html = 1;\n",
}
CONFIG: dict[str, Any] = {
    "imports": {"lit": "vendor/lit/index.js", "lit/": "vendor/lit/"},
    "preload": ["js/app.js"],
}


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def project(tmp_path: Path, config: dict[str, Any] = CONFIG, **options: Any) -> Settings:
    source = tmp_path / "src"
    for name, text in MODULES.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text)
    return Settings(
        dirs=[source],
        static_root=tmp_path / "out",
        storage="devstatic.storage.ManifestStaticFilesStorage",
        storage_options=options,
        importmap=config,
        debug=True,
        # Plain development URLs here; tests/links/hashed covers the map with hashed_urls on.
        hashed_urls=False,
    )


def collected(settings: Settings) -> Settings:
    """collectstatic, then the same settings with debug off (production)."""
    collect(settings, get_storage(settings), options=CollectOptions())
    return settings.replace(debug=False)


def manifest_paths(settings: Settings) -> dict[str, str]:
    assert settings.root is not None
    paths: dict[str, str] = json.loads((settings.root / "staticfiles.json").read_bytes())["paths"]
    return paths


def parse(html: str) -> tuple[dict[str, Any], list[str]]:
    script, _, links = html.partition("\n</script>")
    assert script.startswith('<script type="importmap">\n')
    data = json.loads(script.removeprefix('<script type="importmap">\n'))
    hrefs = re.findall(r'<link rel="modulepreload" href="([^"]+)"', links)
    return data, hrefs


# -- development ------------------------------------------------------------------------


def test_development_map_is_rendered_exactly(tmp_path: Path) -> None:
    assert importmap(project(tmp_path)) == (
        '<script type="importmap">\n'
        "{\n"
        '  "imports": {\n'
        '    "lit": "/static/vendor/lit/index.js",\n'
        '    "lit/": "/static/vendor/lit/"\n'
        "  }\n"
        "}\n"
        "</script>\n"
        '<link rel="modulepreload" href="/static/js/app.js">\n'
        '<link rel="modulepreload" href="/static/js/util.js">\n'
        '<link rel="modulepreload" href="/static/vendor/lit/index.js">\n'
        '<link rel="modulepreload" href="/static/js/lib/side.js">\n'
        '<link rel="modulepreload" href="/static/js/lib/deep.js">\n'
        '<link rel="modulepreload" href="/static/vendor/lit/html.js">'
    )


def test_development_integrity_is_computed_from_the_sources(tmp_path: Path) -> None:
    settings = project(tmp_path, integrity="sha384")
    (tmp_path / "src" / "js" / "util.js").write_text("export const greet = 2;\n")
    html = importmap(settings)
    data, _ = parse(html)
    source = tmp_path / "src"
    reached = ["js/app.js", "js/util.js", "vendor/lit/index.js", "js/lib/side.js"]
    reached += ["vendor/lit/html.js"]  # deep.js is no longer imported
    assert data["integrity"] == {
        f"/static/{name}": sri((source / name).read_bytes())
        for name in ["vendor/lit/index.js", *reached]
    }
    util = sri(b"export const greet = 2;\n")
    assert f'<link rel="modulepreload" href="/static/js/util.js" integrity="{util}">' in html


def test_development_names_a_missing_target(tmp_path: Path) -> None:
    settings = project(tmp_path, {"imports": {"x": "js/nope.js"}})
    with pytest.raises(ValueError) as caught:
        importmap(settings)
    assert str(caught.value) == (
        "importmap: no static file 'js/nope.js' in the finders' locations; fix "
        "[tool.devstatic.importmap] or add the file."
    )


def test_scopes_cdn_urls_and_script_safe_json(tmp_path: Path) -> None:
    config = {
        "imports": {"</script><b>": "js/util.js", "cdn": "https://cdn.example.com/x.js"},
        "scopes": {"/static/js/lib/": {"lit": "vendor/lit/html.js"}},
    }
    html = importmap(project(tmp_path, config))
    assert "</script><b>" not in html
    assert html == (
        '<script type="importmap">\n'
        "{\n"
        '  "imports": {\n'
        '    "\\u003c/script\\u003e\\u003cb\\u003e": "/static/js/util.js",\n'
        '    "cdn": "https://cdn.example.com/x.js"\n'
        "  },\n"
        '  "scopes": {\n'
        '    "/static/js/lib/": {\n'
        '      "lit": "/static/vendor/lit/html.js"\n'
        "    }\n"
        "  }\n"
        "}\n"
        "</script>"
    )


def test_jinja_tag_and_global_render_the_map_unescaped(tmp_path: Path) -> None:
    settings = project(tmp_path)
    env = Environment(extensions=[StaticExtension], autoescape=True)
    env.devstatic_settings = settings  # type: ignore[attr-defined]
    expected = importmap(settings)
    assert env.from_string("{% importmap %}").render() == expected
    assert env.from_string("{{ importmap() }}").render() == expected


# -- production -------------------------------------------------------------------------


def test_production_urls_are_hashed_and_every_module_is_mapped(tmp_path: Path) -> None:
    settings = collected(project(tmp_path, js_imports="importmap", integrity="sha384"))
    paths = manifest_paths(settings)
    root = tmp_path / "out"
    data, hrefs = parse(importmap(settings))
    url = {name: "/static/" + hashed for name, hashed in paths.items()}
    assert data["imports"] == {
        "lit": url["vendor/lit/index.js"],
        "lit/": "/static/vendor/lit/",
        "lit/html.js": url["vendor/lit/html.js"],
        "lit/index.js": url["vendor/lit/index.js"],
        **{f"/static/{name}": url[name] for name in sorted(MODULES)},
    }
    assert data["integrity"] == {url[n]: sri((root / paths[n]).read_bytes()) for n in MODULES}
    order = ["js/app.js", "js/util.js", "vendor/lit/index.js", "js/lib/side.js"]
    assert hrefs == [url[name] for name in [*order, "js/lib/deep.js", "vendor/lit/html.js"]]
    # collectstatic left the imports as written: the map resolves them.
    assert (root / paths["js/app.js"]).read_text() == MODULES["js/app.js"]


def test_production_map_follows_a_new_collectstatic(tmp_path: Path) -> None:
    settings = collected(project(tmp_path, js_imports="importmap"))
    first = importmap(settings)
    assert importmap(settings) is first  # kept while the manifest is the same
    (tmp_path / "src" / "js" / "lib" / "deep.js").write_text("export const deep = 2;\n")
    collected(settings)
    second = importmap(settings)
    deep = manifest_paths(settings)["js/lib/deep.js"]
    assert deep not in first
    assert f'"/static/js/lib/deep.js": "/static/{deep}"' in second


def test_production_map_with_a_cdn_static_url_maps_absolute_urls(tmp_path: Path) -> None:
    cdn = "https://cdn.example.com/static/"
    config = {"imports": {"lit": "vendor/lit/index.js"}, "preload": ["js/lib/side.js"]}
    settings = project(tmp_path, config, js_imports="importmap").replace(static_url=cdn)
    settings = collected(settings)
    paths = manifest_paths(settings)
    data, hrefs = parse(importmap(settings))
    assert data["imports"]["lit"] == cdn + paths["vendor/lit/index.js"]
    assert data["imports"][cdn + "js/util.js"] == cdn + paths["js/util.js"]
    assert hrefs == [cdn + paths[n] for n in ["js/lib/side.js", "js/util.js", "js/lib/deep.js"]]


def test_importmap_mode_renames_only_the_changed_module(tmp_path: Path) -> None:
    settings = project(tmp_path, js_imports="importmap")
    before = manifest_paths(collected(settings))
    (tmp_path / "src" / "js" / "lib" / "deep.js").write_text("export const deep = 2;\n")
    after = manifest_paths(collected(settings))
    assert [name for name in MODULES if before[name] != after[name]] == ["js/lib/deep.js"]


def test_rewritten_imports_rename_every_importer_for_contrast(tmp_path: Path) -> None:
    settings = project(tmp_path)  # js-imports = true: Django's rewriting
    before = manifest_paths(collected(settings))
    (tmp_path / "src" / "js" / "lib" / "deep.js").write_text("export const deep = 2;\n")
    after = manifest_paths(collected(settings))
    changed = [name for name in MODULES if before[name] != after[name]]
    assert changed == ["js/app.js", "js/util.js", "js/lib/side.js", "js/lib/deep.js"]


def test_production_without_importmap_mode_maps_only_the_configured_entries(
    tmp_path: Path,
) -> None:
    settings = collected(project(tmp_path, {"imports": {"lit": "vendor/lit/index.js"}}))
    data, hrefs = parse(importmap(settings))
    assert data == {
        "imports": {"lit": "/static/" + manifest_paths(settings)["vendor/lit/index.js"]}
    }
    assert hrefs == []


def test_production_preloads_follow_the_imports_as_written_when_collectstatic_rewrote_them(
    tmp_path: Path,
) -> None:
    settings = collected(project(tmp_path))  # js-imports = true: the hashed copies import
    paths = manifest_paths(settings)  # hashed names, the collected originals plain ones
    html = importmap(settings)
    order = ["js/app.js", "js/util.js", "vendor/lit/index.js", "js/lib/side.js"]
    order += ["js/lib/deep.js", "vendor/lit/html.js"]
    assert html.split("</script>\n")[1] == "\n".join(
        f'<link rel="modulepreload" href="/static/{paths[name]}">' for name in order
    )


def test_production_names_a_target_the_manifest_lacks(tmp_path: Path) -> None:
    settings = collected(project(tmp_path)).replace(importmap={"imports": {"x": "js/nope.js"}})
    with pytest.raises(ValueError) as caught:
        importmap(settings)
    assert str(caught.value) == "Missing staticfiles manifest entry for 'js/nope.js'"


# -- resolving specifiers ---------------------------------------------------------------

RESOLVE_CONFIG: dict[str, Any] = {
    "imports": {"lit": "vendor/lit.js", "lib/": "vendor/lib/", "cdn": "https://x.test/a.js"},
    "scopes": {"/static/legacy/": {"lit": "vendor/lit-1.js"}},
}


@pytest.mark.parametrize(
    ("specifier", "referrer", "expected"),
    [
        ("./b.js", "js/a.js", "js/b.js"),
        ("../b.js", "js/sub/a.js", "js/b.js"),
        ("./b.js?v=1#x", "js/a.js", "js/b.js"),
        ("../../b.js", "js/a.js", None),  # leaves static_url
        ("/static/js/b.js", "js/a.js", "js/b.js"),
        ("/other/b.js", "js/a.js", None),
        ("/static/../b.js", "js/a.js", None),
        ("//evil.test/static/js/b.js", "js/a.js", None),
        ("https://cdn.test/static/js/b.js?v=2", "js/a.js", "js/b.js"),
        ("https://cdn.test/other/b.js", "js/a.js", None),
        ("lit", "js/a.js", "vendor/lit.js"),
        ("lit", "legacy/a.js", "vendor/lit-1.js"),  # the scope wins for its modules
        ("lib/x/y.js", "js/a.js", "vendor/lib/x/y.js"),
        ("cdn", "js/a.js", None),
        ("unknown", "js/a.js", None),
    ],
)
def test_resolve_import(specifier: str, referrer: str, expected: str | None) -> None:
    referrer_url = "/static/" + referrer
    cdn = "https://cdn.test/static/"
    found = resolve_import(specifier, referrer, RESOLVE_CONFIG, "/static/", referrer_url, cdn)
    assert found == expected


# -- the setting ------------------------------------------------------------------------


def test_the_importmap_table_loads_from_pyproject(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text(
        "[tool.devstatic.importmap]\n"
        'preload = ["js/app.js"]\n'
        "[tool.devstatic.importmap.imports]\n"
        'lit = "vendor/lit.js"\n'
        '"lit/" = "vendor/lit/"\n'
        '[tool.devstatic.importmap.scopes."/static/legacy/"]\n'
        'lit = "vendor/lit-1.js"\n'
    )
    assert Settings.load(config).importmap == {
        "preload": ("js/app.js",),
        "imports": {"lit": "vendor/lit.js", "lit/": "vendor/lit/"},
        "scopes": {"/static/legacy/": {"lit": "vendor/lit-1.js"}},
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            [],
            "importmap must be a table ([tool.devstatic.importmap]) with imports, scopes "
            "and preload, not [].",
        ),
        (
            {"import": {}},
            "importmap key 'import' is unknown. Did you mean 'imports'? "
            "Known keys: imports, scopes, preload.",
        ),
        (
            {"imports": ["lit"]},
            'importmap.imports must be a table of specifier = "static path", '
            "e.g. lit = \"vendor/lit.js\", not ['lit'].",
        ),
        (
            {"imports": {"lit": 3}},
            "importmap.imports entry 'lit' must be a static path string such as "
            '"vendor/lit.js", not 3.',
        ),
        (
            {"imports": {"lit": "/vendor/lit.js"}},
            "importmap.imports entry 'lit' = '/vendor/lit.js' must be relative to "
            "static_url: write 'vendor/lit.js'.",
        ),
        (
            {"imports": {"lit": "vendor/../../secret.js"}},
            "importmap.imports entry 'lit' = 'vendor/../../secret.js' must be a plain "
            "relative path (no '.', '..' or empty segments, no backslash).",
        ),
        (
            {"preload": ["js//app.js"]},
            "importmap.preload entry 'js//app.js' must be a plain relative path "
            "(no '.', '..' or empty segments, no backslash).",
        ),
        (
            {"imports": {"lit/": "vendor/lit"}},
            "importmap.imports entry 'lit/' ends with '/', so its path must too (a folder): "
            "write 'vendor/lit/'.",
        ),
        (
            {"scopes": {"/static/old/": {"lit": 1}}},
            "importmap.scopes.'/static/old/' entry 'lit' must be a static path string such "
            'as "vendor/lit.js", not 1.',
        ),
        (
            {"preload": "js/app.js"},
            'importmap.preload must be a list of static paths, e.g. ["js/app.js"], '
            "not 'js/app.js'.",
        ),
        (
            {"preload": ["js/"]},
            "importmap.preload entry 'js/' is a folder: list entry modules such as \"js/app.js\".",
        ),
    ],
)
def test_a_wrong_importmap_setting_is_one_line_naming_the_key(value: Any, message: str) -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        Settings(importmap=value)
    assert str(caught.value) == message


def test_js_imports_takes_only_true_false_or_importmap(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        get_storage(project(tmp_path, js_imports="import-map"))
    assert str(caught.value) == (
        "storage-options js-imports must be true, false or \"importmap\", not 'import-map'."
    )


def test_every_importmap_problem_is_reported_at_once() -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        Settings(importmap={"imports": {"a": 1}, "preload": "js/app.js"}, static_url="static")
    assert str(caught.value).splitlines() == [
        "static_url 'static' must start and end with '/': write '/static/'.",
        "importmap.imports entry 'a' must be a static path string such as "
        '"vendor/lit.js", not 1.',
        "importmap.preload must be a list of static paths, e.g. [\"js/app.js\"], not 'js/app.js'.",
    ]
