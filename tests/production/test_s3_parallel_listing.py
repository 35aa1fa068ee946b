"""A prefix longer than a page is listed in parallel (by folders, or by ranges of the
run's names), and still whole.

moto's page size is set small (``MOTO_S3_DEFAULT_MAX_KEYS``, read by the server in this
process at each request) so that a few objects span many pages, as thousands do on S3.
"""

from __future__ import annotations

import datetime
import itertools
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from production_helpers import collectstatic, make_extra_tree, sources, write_config
from support.moto_server import MotoServer

from devstatic import Settings
from devstatic.collect import CollectOptions, collect
from devstatic.storage import S3Storage
from devstatic.storage import s3 as s3_module
from devstatic.storage.s3_listing import list_ranges, list_tree

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

#: Objects before, inside and after folders; nested folders; a folder longer than a page;
#: names just outside the prefix, which must not be listed.
KEYS = [
    "static/A.txt",
    "static/a/1.css",
    "static/a/2.css",
    "static/a/b/3.css",
    "static/a/b/c/4.css",
    "static/a0.css",
    "static/big/" + "x" * 3 + ".js",
    *(f"static/big/{i:02d}.js" for i in range(9)),
    "static/m/only.png",
    "static/n.txt",
    "static/z/1/2/3.txt",
    "static/zz.txt",
    "static-other/1.css",
    "staticx.css",
    "other/static/1.css",
]


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_S3_DEFAULT_MAX_KEYS", "2")


def listing_requests(server: MotoServer, bucket: str) -> int:
    return server.requests_to(bucket, "GET").count(("GET", f"/{bucket}"))


@pytest.mark.parametrize("workers", [1, 4])
def test_a_prefix_of_many_pages_is_listed_whole_and_only_it(
    moto_server: MotoServer, s3_client: S3Client, s3_bucket: str, small_pages: None, workers: int
) -> None:
    for key in KEYS:
        s3_client.put_object(Bucket=s3_bucket, Key=key, Body=key.encode())
    before = listing_requests(moto_server, s3_bucket)

    items = list_tree(s3_client, s3_bucket, "static/", workers=workers)

    assert sorted(item["Key"] for item in items) == sorted(
        k for k in KEYS if k.startswith("static/")
    )
    assert len(items) == len({item["Key"] for item in items})  # nothing listed twice
    assert all(item["ETag"] and item["LastModified"].tzinfo for item in items)
    # The first page, the delimited listing of what follows it (6 entries: 3 pages), then
    # each folder: a/ from where the first page stopped (3 keys: 2 pages), big/ (10
    # keys: 5 pages), m/ (1), z/ (1).
    assert listing_requests(moto_server, s3_bucket) - before == 1 + 3 + 2 + 5 + 1 + 1


def test_the_folders_are_listed_on_several_threads(
    moto_server: MotoServer, s3_client: S3Client, s3_bucket: str, small_pages: None
) -> None:
    for key in KEYS:
        s3_client.put_object(Bucket=s3_bucket, Key=key, Body=key.encode())
    threads: set[str] = set()

    def note_thread(**kwargs: object) -> None:
        threads.add(threading.current_thread().name)

    s3_client.meta.events.register("before-call.s3.ListObjectsV2", note_thread)

    list_tree(s3_client, s3_bucket, "static/", workers=4)

    assert len({name for name in threads if name.startswith("devstatic-list")}) > 1


def test_the_storage_reads_listing_dates_without_dateutil(
    tmp_path: Path, moto_server: MotoServer, s3_client: S3Client, s3_bucket: str
) -> None:
    s3_client.put_object(Bucket=s3_bucket, Key="static/a.css", Body=b"a")
    settings = Settings.load(write_config(tmp_path, storage="devstatic.storage.S3Storage"))
    storage = S3Storage(settings, bucket=s3_bucket, endpoint_url=moto_server.endpoint)
    try:
        listed = storage.client.list_objects_v2(Bucket=s3_bucket)["Contents"][0]
    finally:
        storage.close()

    assert listed["LastModified"].tzinfo is datetime.UTC  # dateutil's would be tzutc()


def test_a_prefix_that_fits_one_page_costs_one_request(
    moto_server: MotoServer, s3_client: S3Client, s3_bucket: str
) -> None:
    for key in KEYS:
        s3_client.put_object(Bucket=s3_bucket, Key=key, Body=key.encode())
    before = listing_requests(moto_server, s3_bucket)

    items = list_tree(s3_client, s3_bucket, "static/a/", workers=4)

    assert [item["Key"] for item in items] == [k for k in KEYS if k.startswith("static/a/")]
    assert listing_requests(moto_server, s3_bucket) - before == 1


def test_a_rerun_listed_in_pages_uploads_exactly_the_changed_files(
    tmp_path: Path, moto_server: MotoServer, s3_client: S3Client, s3_bucket: str, small_pages: None
) -> None:
    extra = make_extra_tree(tmp_path)
    (extra / "css" / "z.css").write_bytes(b"a { color: red }\n")
    config = write_config(
        tmp_path,
        storage="devstatic.storage.S3Storage",
        options={"bucket": s3_bucket, "prefix": "static", "endpoint-url": moto_server.endpoint},
        extra_dirs=(extra,),
    )
    found = sources(config)
    assert collectstatic(config).returncode == 0
    puts = len(moto_server.requests_to(s3_bucket, "PUT"))
    # One early in the listing, one late, one at the page boundary's folder.
    for name in ("LICENSE", "data/info.json", "css/z.css"):
        (extra / name).write_bytes(b"changed " + name.encode())
    listings = listing_requests(moto_server, s3_bucket)

    rerun = collectstatic(config)

    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.strip().splitlines()[-1] == (
        f"3 static files copied, {len(found) - 3} unmodified."
    )
    assert sorted(moto_server.requests_to(s3_bucket, "PUT")[puts:]) == [
        ("PUT", f"/{s3_bucket}/static/{name}")
        for name in ("LICENSE", "css/z.css", "data/info.json")
    ]
    # The listing settles every unchanged file; a changed ETag is checked by a HEAD
    # (it could be a multipart upload of the same bytes).
    assert sorted(moto_server.requests_to(s3_bucket, "HEAD")) == [
        ("HEAD", f"/{s3_bucket}/static/{name}")
        for name in ("LICENSE", "css/z.css", "data/info.json")
    ]
    assert listing_requests(moto_server, s3_bucket) - listings > 3  # many pages indeed
    for name in ("LICENSE", "data/info.json", "css/z.css"):
        body = s3_client.get_object(Bucket=s3_bucket, Key=f"static/{name}")["Body"].read()
        assert body == b"changed " + name.encode()


@pytest.mark.parametrize(
    "bounds",
    [
        ["static/a/2.css", "static/big/05.js", "static/n.txt"],
        ["static/a/1.5.css", "static/big/zz.js"],  # bounds the bucket lacks
        ["static/0.css", "static/zzz.txt"],  # before the first key, after the last
    ],
    ids=["keys", "absent", "outside"],
)
def test_ranges_list_every_key_once_in_order_and_stop_at_their_end(
    moto_server: MotoServer,
    s3_client: S3Client,
    s3_bucket: str,
    small_pages: None,
    bounds: list[str],
) -> None:
    for key in KEYS:
        s3_client.put_object(Bucket=s3_bucket, Key=key, Body=key.encode())
    wanted = sorted(k for k in KEYS if k.startswith("static/"))
    before = listing_requests(moto_server, s3_bucket)

    items = list_ranges(s3_client, s3_bucket, "static/", bounds, workers=4)

    assert [item["Key"] for item in items] == wanted
    # Two keys a page: a range of n keys costs n / 2 pages, rounded up (an empty one,
    # one), and not one more: a page ending at the range's end ends the range.
    edges = ["", *bounds, "\uffff"]
    pages = sum(
        max(1, -(-sum(1 for k in wanted if start < k <= end) // 2))
        for start, end in itertools.pairwise(edges)
    )
    assert listing_requests(moto_server, s3_bucket) - before == pages


def collected_css_tree(
    tmp_path: Path,
    server: MotoServer,
    bucket: str,
    count: int,
    folders: int,
    storage: type[S3Storage] = S3Storage,
) -> tuple[Settings, dict[str, str]]:
    """``count`` stylesheets in ``folders`` folders, collected once into ``bucket``: the
    settings and storage options for the rerun under test."""
    src = tmp_path / "src"
    for i in range(count):
        (src / f"d{i % folders}").mkdir(parents=True, exist_ok=True)
        (src / f"d{i % folders}" / f"f{i:03d}.css").write_bytes(b"a { }" * i)
    settings = Settings(dirs=[src], debug=False)
    options = {"bucket": bucket, "prefix": "static", "endpoint_url": server.endpoint}
    first = storage(settings, **options)
    try:
        assert len(collect(settings, first, options=CollectOptions())["copied"]) == count
    finally:
        first.close()
    return settings, options


def test_a_rerun_listed_by_ranges_of_its_names_settles_every_file(
    tmp_path: Path, moto_server: MotoServer, s3_client: S3Client, s3_bucket: str, small_pages: None
) -> None:
    """A rerun cut into ranges of two names each (``keys_per_name`` as large as a page
    allows) finds every object, and one more that no name expects."""

    class Ranged(S3Storage):
        keys_per_name = 450  # 900 keys a range: two names

    settings, options = collected_css_tree(tmp_path, moto_server, s3_bucket, 12, 3, Ranged)
    s3_client.put_object(Bucket=s3_bucket, Key="static/d1/f004x.css", Body=b"stale")
    before = moto_server.requests_to(s3_bucket)

    rerun = Ranged(settings, **options)
    try:
        stats = collect(settings, rerun, options=CollectOptions())
        assert rerun.exists("d1/f004x.css")
    finally:
        rerun.close()

    assert len(stats["unmodified"]) == 12 and stats["copied"] == []
    requests = moto_server.requests_to(s3_bucket)[len(before) :]
    assert [r for r in requests if r[0] in ("HEAD", "PUT")] == []


def test_a_rerun_lists_each_key_of_the_bucket_about_once(
    tmp_path: Path, moto_server: MotoServer, s3_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys a range's page lists past the range's end are listed again by the next range,
    and each costs moto ~0.4 ms: a page leaves room for only ``RANGE_SPARE`` of keys the
    run does not name. Pages of 50 keys here: one spare key a range, not five."""
    monkeypatch.setattr(s3_module, "PAGE", 50)
    monkeypatch.setenv("MOTO_S3_DEFAULT_MAX_KEYS", "50")
    settings, options = collected_css_tree(tmp_path, moto_server, s3_bucket, 300, 7)

    listed: list[str] = []
    rerun = S3Storage(settings, **options)
    original = rerun.client.list_objects_v2

    def counting(**params: Any) -> Any:
        page = original(**params)
        listed.extend(item["Key"] for item in page.get("Contents", []))
        return page

    monkeypatch.setattr(rerun.client, "list_objects_v2", counting)
    try:
        stats = collect(settings, rerun, options=CollectOptions())
    finally:
        rerun.close()

    assert len(stats["unmodified"]) == 300
    assert len(set(listed)) == 301  # every file and the headers index
    ranges = -(-300 // 49)  # 49 names a range: 98 % of a page
    assert len(listed) - len(set(listed)) <= ranges
