"""ManifestStaticFilesStorage: hashed copies, the manifest written last, static() in production."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from devstatic import Settings, static
from devstatic.exceptions import ImproperlyConfigured, StorageError
from devstatic.finders import get_finders
from devstatic.storage import ManifestStaticFilesStorage, get_storage

CSS = b'@import "base.css";\nbody { background: url("../img/logo.png") }\n' + b"/* pad */\n" * 40


def make_tree(root: Path) -> Path:
    src = root / "src"
    (src / "css").mkdir(parents=True)
    (src / "img").mkdir()
    (src / "css" / "site.css").write_bytes(CSS)
    (src / "css" / "base.css").write_bytes(b"h1 { color: red }\n" * 30)
    (src / "img" / "logo.png").write_bytes(b"\x89PNG fake image bytes")
    return src


def settings_for(tmp_path: Path, **options: object) -> Settings:
    src = tmp_path / "src" if (tmp_path / "src").exists() else make_tree(tmp_path)
    return Settings(
        dirs=[src],
        static_root=tmp_path / "out",
        storage="devstatic.storage.ManifestStaticFilesStorage",
        storage_options=options,
        debug=False,
    )


def run_collect(settings: Settings) -> ManifestStaticFilesStorage:
    """What collectstatic does, in its order: copy, post-process, then finish()."""
    storage = get_storage(settings)
    assert isinstance(storage, ManifestStaticFilesStorage)
    storage.check_writable()
    found: dict[str, Path] = {}
    for finder in get_finders(settings):
        for name, source in finder.list(settings.ignore_patterns):
            found.setdefault(name, source)
    for name, source in found.items():
        storage.save(name, source)
    list(storage.post_process(found, dry_run=False))
    storage.finish()
    return storage


def test_collect_writes_hashed_copies_and_manifest(tmp_path: Path) -> None:
    storage = run_collect(settings_for(tmp_path))
    manifest = json.loads((tmp_path / "out" / "staticfiles.json").read_bytes())
    assert manifest["version"] == "1.1"
    paths = manifest["paths"]
    assert set(paths) == {"css/site.css", "css/base.css", "img/logo.png"}
    for hashed in paths.values():
        assert (tmp_path / "out" / hashed).is_file()
    site = (tmp_path / "out" / paths["css/site.css"]).read_bytes()
    assert paths["css/base.css"].encode().split(b"/")[-1] in site
    assert paths["img/logo.png"].encode().split(b"/")[-1] in site
    assert storage.hashed_name("css/site.css") == paths["css/site.css"]


def test_static_returns_hashed_url_when_debug_is_off(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    run_collect(settings)
    paths = json.loads((tmp_path / "out" / "staticfiles.json").read_bytes())["paths"]
    assert static("css/site.css", settings) == "/static/" + paths["css/site.css"]
    assert static("img/logo.png?v=1#top", settings).endswith("?v=1#top")


def test_static_returns_plain_url_in_debug_with_hashed_urls_off(tmp_path: Path) -> None:
    settings = settings_for(tmp_path).replace(debug=True, hashed_urls=False)
    assert static("css/site.css", settings) == "/static/css/site.css"


def test_static_raises_value_error_naming_a_missing_name(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    run_collect(settings)
    with pytest.raises(ValueError, match=r"css/nope\.css"):
        static("css/nope.css", settings)


def test_manifest_is_reloaded_when_the_file_changes(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    storage = run_collect(settings)
    assert storage.hashed_name("css/base.css") != "css/base.css"
    manifest = tmp_path / "out" / "staticfiles.json"
    data = json.loads(manifest.read_bytes())
    data["paths"]["css/base.css"] = "css/base.override.css"
    manifest.write_text(json.dumps(data))
    os.utime(manifest, ns=(1, 10**18))  # a distinct mtime, whatever the clock's grain
    assert storage.hashed_name("css/base.css") == "css/base.override.css"


def test_second_run_does_not_rewrite_unchanged_hashed_files(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    run_collect(settings)
    paths = json.loads((tmp_path / "out" / "staticfiles.json").read_bytes())["paths"]
    hashed = tmp_path / "out" / paths["css/site.css"]
    before = hashed.stat().st_ino
    run_collect(settings)
    assert hashed.stat().st_ino == before


def test_compress_writes_smaller_gz_and_br_siblings(tmp_path: Path) -> None:
    import brotli  # in the test extra: a missing one must fail, not skip

    settings = settings_for(tmp_path, compress=["br", "gz"])
    run_collect(settings)
    paths = json.loads((tmp_path / "out" / "staticfiles.json").read_bytes())["paths"]
    css = tmp_path / "out" / paths["css/site.css"]
    gz = Path(str(css) + ".gz")
    br = Path(str(css) + ".br")
    assert gzip.decompress(gz.read_bytes()) == css.read_bytes()
    assert brotli.decompress(br.read_bytes()) == css.read_bytes()
    assert gz.stat().st_size < css.stat().st_size
    # An image is not a compressible type: no siblings.
    assert not Path(str(tmp_path / "out" / paths["img/logo.png"]) + ".gz").exists()


def test_unknown_compress_coding_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="compress"):
        get_storage(settings_for(tmp_path, compress=["zstd"]))


def test_missing_reference_stops_the_run_naming_file_and_line(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    (tmp_path / "src" / "css" / "broken.css").write_bytes(b"a{}\nb { background: url(gone.png) }\n")
    with pytest.raises(StorageError, match=r"css/broken\.css.*2|gone\.png"):
        run_collect(settings)
    assert not (tmp_path / "out" / "staticfiles.json").exists()


def test_manifest_strict_false_keeps_the_name_and_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(tmp_path, manifest_strict=False)
    (tmp_path / "src" / "css" / "broken.css").write_bytes(b"b { background: url(gone.png) }\n")
    run_collect(settings)
    paths = json.loads((tmp_path / "out" / "staticfiles.json").read_bytes())["paths"]
    assert b"url(gone.png)" in (tmp_path / "out" / paths["css/broken.css"]).read_bytes()
    assert "gone.png" in caplog.text


async def test_static_follows_the_wrapped_apps_debug_flag(tmp_path: Path) -> None:
    """Starlette(debug=True) turns the dev server on, so templates rendered in its requests
    must get the dev server's names (plain ones with hashed_urls off), not an earlier
    collect's manifest; outside any request, and in a production app's, the manifest's."""
    import httpx
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from devstatic import StaticFilesMiddleware

    settings = settings_for(tmp_path).replace(debug=None, hashed_urls=False)
    run_collect(settings)

    def page(request: Request) -> PlainTextResponse:
        name = request.query_params["name"]
        return PlainTextResponse(static(name, settings))

    async def static_in_request(app_debug: bool, name: str) -> str:
        app = StaticFilesMiddleware(
            Starlette(debug=app_debug, routes=[Route("/", page)]),
            settings=settings.replace(live_reload=False, insecure=not app_debug),
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
            return (await http.get("/", params={"name": name})).text

    assert await static_in_request(True, "css/site.css") == "/static/css/site.css"
    assert await static_in_request(True, "css/added-later.css") == "/static/css/added-later.css"
    hashed = await static_in_request(False, "css/site.css")
    assert hashed.startswith("/static/css/site.")
    assert hashed != "/static/css/site.css"
    assert static("css/site.css", settings) == hashed


def test_a_quoted_boolean_storage_option_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="manifest-strict must be true or false"):
        get_storage(settings_for(tmp_path, manifest_strict="false"))


def test_a_static_root_that_is_a_file_says_so(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    Path(settings.static_root).write_text("not a folder")  # type: ignore[arg-type]
    with pytest.raises(StorageError, match="is a file, not a folder"):
        get_storage(settings).check_writable()
