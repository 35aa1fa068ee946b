"""Pre-hashed names (a bundler's ``chunk-3f2a9c1b.js``, Propshaft's ``.digested``) are
cached in production as long as our own hashed names: by the nginx block and in the S3
objects' ``Cache-Control``. A plain name, or a plain storage, keeps ``no-cache``."""

from __future__ import annotations

import gzip
import http.client
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from production_helpers import collectstatic, run_cli, write_config
from support.moto_server import MotoServer
from support.nginx import nginx_binary, run_nginx

from devstatic import ImproperlyConfigured, Settings
from devstatic.collect.nginx import location_block, nginx_block
from devstatic.storage.object_headers import (
    IMMUTABLE,
    NO_CACHE,
    ObjectHeaders,
    cache_control_for,
    object_headers,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

#: The README's pattern for bundlers' ``name.HASH.ext`` / ``name-HASH.ext``.
BUNDLER = r"[.-][0-9a-f]{8,}\."
MANIFEST = "devstatic.storage.ManifestStaticFilesStorage"
CHUNK = b"export const chunk = 1;\n" + b"// padding so compression pays\n" * 40


def bundler_tree(root: Path) -> Path:
    """A bundler's output beside hand-written files."""
    src = root / "assets"
    (src / "js").mkdir(parents=True)
    (src / "js" / "chunk-3f2a9c1b.js").write_bytes(CHUNK)
    (src / "js" / "vendor.0a1b2c3d4e.js").write_bytes(b"console.log('vendor');\n")
    (src / "js" / "app-abc1234.digested.js").write_bytes(b"console.log('propshaft');\n")
    (src / "js" / "plain.js").write_bytes(b"console.log('plain');\n")
    return src


@pytest.mark.parametrize(
    ("name", "pattern", "expected"),
    [
        ("js/chunk-3f2a9c1b.js", BUNDLER, IMMUTABLE),
        ("js/chunk-3f2a9c1b.js.gz", BUNDLER, IMMUTABLE),
        # A sibling is judged by its original's name too, whatever the pattern anchors.
        ("js/chunk-3f2a9c1b.js.br", r"-[0-9a-f]{8}\.js$", IMMUTABLE),
        ("js/chunk-3f2a9c1b.js", None, NO_CACHE),
        ("js/plain.js", BUNDLER, NO_CACHE),
        ("js/plain.0123456789ab.js", None, IMMUTABLE),
        # The pattern is searched in the file name, never in a folder's.
        ("v-3f2a9c1b.d/plain.js", BUNDLER, NO_CACHE),
        ("js/app-abc1234.digested.js", r"-[0-9a-zA-Z_-]{7,128}\.digested\.", IMMUTABLE),
    ],
)
def test_cache_control_caches_pre_hashed_names_and_their_siblings(
    name: str, pattern: str | None, expected: str
) -> None:
    compiled = None if pattern is None else re.compile(pattern)
    assert cache_control_for(name, compiled) == expected


def test_a_sibling_of_a_pre_hashed_file_keeps_its_encoding_and_gets_the_caching() -> None:
    assert object_headers(
        "js/chunk-3f2a9c1b.js.br", is_sibling=True, pre_hashed=re.compile(BUNDLER)
    ) == ObjectHeaders("text/javascript; charset=utf-8", IMMUTABLE, "br")


def test_nginx_block_of_a_manifest_storage_adds_its_pattern_and_a_plain_storage_none(
    tmp_path: Path,
) -> None:
    def block(storage: str, **options: Any) -> str:
        return nginx_block(
            Settings(
                static_root=tmp_path,
                storage=storage,
                storage_options=options,
                debug=False,
            )
        )

    default = block(MANIFEST)
    assert r'location ~ "-[0-9a-zA-Z_-]{7,128}\.digested\.[^/]*$" {' in default
    assert r'location ~ "[.-][0-9a-f]{8,}\.[^/]*$" {' in block(MANIFEST, pre_hashed=BUNDLER)
    assert "Pre-hashed" not in block(MANIFEST, pre_hashed=False)
    assert "Pre-hashed" not in block("devstatic.storage.FileSystemStorage")


def test_a_pattern_nginx_cannot_carry_is_refused_and_backslashes_survive_nginx() -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        location_block("/static/", "/srv/static", pre_hashed='a"b')
    assert str(caught.value) == (
        "the pre-hashed pattern 'a\"b[^/]*$' contains '\"', which an nginx location cannot "
        "carry; write the regular expression without it."
    )
    # nginx reads \\ inside quotes as one backslash: a regex's \\ is written doubled.
    assert r'location ~ "x\\\\y[^/]*$" {' in location_block(
        "/static/", "/srv/static", pre_hashed=r"x\\y"
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """The demo plus a bundler's output, collected with hashes and .gz, behind nginx."""
    nginx_binary()
    tmp = tmp_path_factory.mktemp("prehashed")
    config = write_config(
        tmp,
        storage=MANIFEST,
        options={"compress": ["gz"], "pre-hashed": BUNDLER},
        static_root=tmp / "collected",
        extra_dirs=(bundler_tree(tmp),),
    )
    collected = collectstatic(config)
    assert collected.returncode == 0, collected.stderr
    block = run_cli("nginx", "--config", str(config))
    assert block.returncode == 0, block.stderr
    (tmp / "static.conf").write_text(block.stdout)
    with run_nginx(tmp, f"        include {tmp}/static.conf;") as url:
        yield int(url.rsplit(":", 1)[1]), tmp / "collected"


def test_nginx_caches_pre_hashed_files_for_a_year_and_revalidates_plain_ones(
    served: tuple[int, Path],
) -> None:
    port, root = served
    pattern = re.compile(BUNDLER)
    names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert "js/chunk-3f2a9c1b.js" in names and "js/chunk-3f2a9c1b.js.gz" in names
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        for name in names:
            conn.request("GET", f"/static/{name}")
            response = conn.getresponse()
            assert response.read() == (root / name).read_bytes(), name
            assert response.getheader("cache-control") == cache_control_for(name, pattern), name
        # gzip_static answers the plain URL with the .gz: the same year of caching.
        conn.request("GET", "/static/js/chunk-3f2a9c1b.js", headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        assert gzip.decompress(response.read()) == CHUNK
        assert response.getheader("content-encoding") == "gzip"
        assert response.getheader("cache-control") == IMMUTABLE
    finally:
        conn.close()
    assert cache_control_for("js/plain.js", pattern) == NO_CACHE  # the loop saw both kinds


def test_s3_objects_of_pre_hashed_files_are_immutable_with_a_manifest_storage_only(
    tmp_path: Path, moto_server: MotoServer, s3_client: S3Client, s3_bucket: str
) -> None:
    def upload(storage: str, prefix: str) -> dict[str, str]:
        config = write_config(
            tmp_path / prefix,
            storage=storage,
            options={
                "bucket": s3_bucket,
                "prefix": prefix,
                "endpoint-url": moto_server.endpoint,
                # A plain storage takes neither option: it hashes nothing.
                **({"pre-hashed": BUNDLER, "compress": ["gz"]} if "Manifest" in storage else {}),
            },
            extra_dirs=(bundler_tree(tmp_path / prefix),),
        )
        result = collectstatic(config)
        assert result.returncode == 0, result.stderr
        listed = s3_client.list_objects_v2(Bucket=s3_bucket, Prefix=f"{prefix}/js/")
        return {
            item["Key"].removeprefix(f"{prefix}/"): s3_client.head_object(
                Bucket=s3_bucket, Key=item["Key"]
            )["CacheControl"]
            for item in listed["Contents"]
        }

    (tmp_path / "m").mkdir()
    manifest = upload("devstatic.storage.ManifestS3Storage", "m")
    assert manifest["js/chunk-3f2a9c1b.js"] == IMMUTABLE
    assert manifest["js/chunk-3f2a9c1b.js.gz"] == IMMUTABLE
    assert manifest["js/vendor.0a1b2c3d4e.js"] == IMMUTABLE
    assert manifest["js/plain.js"] == NO_CACHE
    (tmp_path / "p").mkdir()
    plain = upload("devstatic.storage.S3Storage", "p")
    assert plain["js/chunk-3f2a9c1b.js"] == NO_CACHE
