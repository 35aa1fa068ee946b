"""The pure parts of the parallel listing: what is left to list after the first page, and
the listing's timestamps parsed without dateutil (equal to botocore's own parse)."""

from __future__ import annotations

import datetime

import pytest

from devstatic.storage.s3_listing import FolderTask, Listing, parse_timestamp, plan_rest


def objects(*keys: str) -> list[dict[str, str]]:
    return [{"Key": key} for key in keys]


@pytest.mark.parametrize(
    ("prefix", "last", "top", "items", "tasks"),
    [
        pytest.param(
            "static/",
            "static/b/2.css",
            Listing(objects(), ["static/c/", "static/d/"]),
            [],
            [
                FolderTask("static/b/", "static/b/2.css"),
                FolderTask("static/c/"),
                FolderTask("static/d/"),
            ],
            id="the-folder-holding-last-from-last-on-even-when-not-rolled-up",
        ),
        pytest.param(
            "static/",
            "static/b/2.css",
            Listing(objects(), ["static/b/", "static/c/"]),
            [],
            [FolderTask("static/b/", "static/b/2.css"), FolderTask("static/c/")],
            id="the-folder-holding-last-listed-once-when-rolled-up",
        ),
        pytest.param(
            "static/",
            "static/b/2.css",
            Listing(objects(), ["static/a/", "static/b/", "static/c/"]),
            [],
            [FolderTask("static/b/", "static/b/2.css"), FolderTask("static/c/")],
            id="a-folder-before-last-was-listed-whole-by-the-first-page",
        ),
        pytest.param(
            "static/",
            "static/b/2.css",
            Listing(objects("static/a.css", "static/b/2.css", "static/c.css"), []),
            objects("static/c.css"),
            [FolderTask("static/b/", "static/b/2.css")],
            id="top-level-objects-after-last-only",
        ),
        pytest.param(
            "static/",
            "static/b.css",
            Listing(objects("static/c.css"), ["static/b/", "static/d/"]),
            objects("static/c.css"),
            [FolderTask("static/b/"), FolderTask("static/d/")],
            id="last-a-top-level-object",
        ),
        pytest.param(
            "",
            "a/x/y.js",
            Listing(objects("b.txt"), ["c/"]),
            objects("b.txt"),
            [FolderTask("a/", "a/x/y.js"), FolderTask("c/")],
            id="the-whole-bucket",
        ),
        pytest.param(
            "static/",
            "static//x.css",
            Listing(objects(), ["static//", "static/a/"]),
            [],
            [FolderTask("static//", "static//x.css"), FolderTask("static/a/")],
            id="an-empty-folder-name",
        ),
    ],
)
def test_the_rest_after_the_first_page_is_every_folder_after_it_and_the_one_it_stopped_in(
    prefix: str,
    last: str,
    top: Listing,
    items: list[dict[str, str]],
    tasks: list[FolderTask],
) -> None:
    assert plan_rest(prefix, last, top) == (items, tasks)


@pytest.mark.parametrize(
    "value",
    [
        "2026-12-04T16:29:54.000Z",
        "2026-12-04T16:29:54Z",
        "2026-12-04T16:29:54.123456+02:00",
        "Fri, 04 Dec 2026 16:29:54 GMT",  # a Last-Modified header
        "2026-12-04T16:29:54",  # no zone: botocore's reading (naive)
        1796401794,  # epoch seconds
    ],
)
def test_a_timestamp_parses_to_the_instant_botocore_gives(value: object) -> None:
    from botocore.utils import parse_timestamp as botocore_parse_timestamp

    parsed = parse_timestamp(value)
    expected = botocore_parse_timestamp(value)

    assert parsed == expected
    assert (parsed.tzinfo is None) == (expected.tzinfo is None)


def test_a_listing_date_is_read_without_dateutil() -> None:
    parsed = parse_timestamp("2026-12-04T16:29:54.000Z")

    assert parsed == datetime.datetime(2026, 12, 4, 16, 29, 54, tzinfo=datetime.UTC)
    assert parsed.tzinfo is datetime.UTC  # dateutil would give its own tzutc()
