"""A stock nginx with the `devstatic nginx` block serves collectstatic's output as the
middleware would: bytes, Content-Type, Cache-Control and Content-Encoding."""

from __future__ import annotations

import gzip
import http.client
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from production_helpers import collectstatic, make_extra_tree, run_cli, write_config
from support.nginx import nginx_binary, run_nginx

from devstatic.http.mediatypes import content_type_for
from devstatic.storage.object_headers import IMMUTABLE, NO_CACHE, is_hashed


def get(
    conn: http.client.HTTPConnection, path: str, **headers: str
) -> tuple[int, dict[str, str], bytes]:
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """The demo (plus extra files), collected with hashes and .gz/.br, behind nginx."""
    nginx_binary()
    tmp = tmp_path_factory.mktemp("nginx")
    config = write_config(
        tmp,
        storage="devstatic.storage.ManifestStaticFilesStorage",
        options={"compress": ["gz", "br"]},
        static_root=tmp / "collected",
        extra_dirs=(make_extra_tree(tmp),),
    )
    collected = collectstatic(config)
    assert collected.returncode == 0, collected.stderr
    block = run_cli("nginx", "--config", str(config))
    assert block.returncode == 0, block.stderr
    (tmp / "static.conf").write_text(block.stdout)
    # A server-level regex location like many real configs have: it must not win.
    competing = "        location ~* \\.(css|js|mjs|svg)$ { return 418; }"
    with run_nginx(tmp, f"{competing}\n        include {tmp}/static.conf;") as url:
        yield int(url.rsplit(":", 1)[1]), tmp / "collected"


def test_every_collected_file_is_served_with_its_bytes_type_and_caching(
    served: tuple[int, Path],
) -> None:
    port, root = served
    names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    manifest = json.loads((root / "staticfiles.json").read_bytes())
    assert set(manifest["paths"].values()) <= set(names)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        for name in names:
            status, headers, body = get(conn, f"/static/{name}")
            assert status == 200, name
            assert body == (root / name).read_bytes(), name
            assert headers["content-type"] == content_type_for(name), name
            assert headers["cache-control"] == (IMMUTABLE if is_hashed(name) else NO_CACHE), name
            assert headers["x-content-type-options"] == "nosniff", name
            assert "content-encoding" not in headers, name
    finally:
        conn.close()


def test_module_scripts_get_javascript_with_charset_not_octet_stream(
    served: tuple[int, Path],
) -> None:
    port, root = served
    hashed = json.loads((root / "staticfiles.json").read_bytes())["paths"]["js/module.mjs"]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        _, headers, _ = get(conn, f"/static/{hashed}")
    finally:
        conn.close()
    assert headers["content-type"] == "text/javascript; charset=utf-8"


def test_gzip_sibling_is_sent_to_clients_that_accept_gzip(served: tuple[int, Path]) -> None:
    port, root = served
    manifest = json.loads((root / "staticfiles.json").read_bytes())["paths"]
    with_gz = [h for h in manifest.values() if (root / f"{h}.gz").is_file()]
    assert manifest["js/module.mjs"] in with_gz
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        for hashed in with_gz:
            status, headers, body = get(conn, f"/static/{hashed}", **{"Accept-Encoding": "gzip"})
            assert status == 200, hashed
            assert headers["content-encoding"] == "gzip", hashed
            assert body == (root / f"{hashed}.gz").read_bytes(), hashed
            assert gzip.decompress(body) == (root / hashed).read_bytes(), hashed
            assert headers["content-type"] == content_type_for(hashed), hashed
            assert headers["cache-control"] == IMMUTABLE, hashed
            assert headers["vary"] == "Accept-Encoding", hashed
            # Stock nginx has no brotli: a br-only client gets the plain file.
            status, headers, body = get(conn, f"/static/{hashed}", **{"Accept-Encoding": "br"})
            assert "content-encoding" not in headers, hashed
            assert body == (root / hashed).read_bytes(), hashed
    finally:
        conn.close()


def test_paths_outside_the_folder_and_missing_files_are_404(served: tuple[int, Path]) -> None:
    port, root = served
    (root.parent / "secret.txt").write_text("not for the web")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        for path in ("/static../secret.txt", "/static/../secret.txt", "/static/nope.css"):
            status, _, body = get(conn, path)
            assert status in (400, 404), path
            assert b"not for the web" not in body, path
    finally:
        conn.close()
