"""The pure parts of the parallel listing: what is left to list after the first page, and
the listing's timestamps parsed without dateutil (equal to botocore's own parse)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from devstatic.exceptions import StorageError
from devstatic.storage.s3_listing import (
    FolderTask,
    Listing,
    pages,
    parse_timestamp,
    plan_rest,
    range_bounds,
    within_range,
)


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


@pytest.mark.parametrize(
    ("keys", "per_range", "bounds"),
    [
        (["a", "b", "c", "d", "e"], 2, ["b", "d"]),
        (["e", "d", "c", "b", "a", "f"], 2, ["b", "d"]),  # sorted first; no cut at the end
        (["a", "b"], 2, []),
        (["a"], 1, []),
        ([], 3, []),
        ([f"k{i:04d}" for i in range(2500)], 1000, ["k0999", "k1999"]),
    ],
)
def test_range_bounds_cut_every_per_range_keys(
    keys: list[str], per_range: int, bounds: list[str]
) -> None:
    assert range_bounds(keys, per_range) == bounds


@pytest.mark.parametrize(
    ("keys", "end", "kept", "done"),
    [
        (["a", "b"], "c", ["a", "b"], False),
        (["a", "b", "c", "d"], "b", ["a", "b"], True),
        (["a", "b"], "b", ["a", "b"], True),
        (["a", "c"], "b", ["a"], True),
        (["c"], "b", [], True),
        (["a", "z"], None, ["a", "z"], False),
    ],
    ids=[
        "before-the-end",
        "reaches-the-end",
        "ends-at-the-end",
        "passes-an-absent-end",
        "all-past",
        "no-end",
    ],
)
def test_within_range_keeps_the_keys_up_to_the_end(
    keys: list[str], end: str | None, kept: list[str], done: bool
) -> None:
    items, finished = within_range(objects(*keys), end)
    assert [item["Key"] for item in items] == kept
    assert finished is done


class ScriptedServer:
    """A client whose ``list_objects_v2`` answers from a script of pages (a misbehaving
    server moto cannot play), recording what each request asked for."""

    def __init__(self, answers: list[dict[str, Any]]) -> None:
        self.answers = answers
        self.asked: list[dict[str, str]] = []

    def list_objects_v2(self, **params: str) -> dict[str, Any]:
        self.asked.append(params)
        return self.answers[len(self.asked) - 1]


def test_pages_follow_each_continuation_token_until_the_last_page() -> None:
    server = ScriptedServer(
        [
            {"Contents": objects("a"), "IsTruncated": True, "NextContinuationToken": "t1"},
            {"Contents": objects("b"), "IsTruncated": True, "NextContinuationToken": "t2"},
            {"Contents": objects("c"), "IsTruncated": False},
        ]
    )
    listed = list(pages(server, Bucket="b", Prefix="p/", StartAfter="p/0"))  # type: ignore[arg-type]
    assert [page["Contents"][0]["Key"] for page in listed] == ["a", "b", "c"]
    assert server.asked == [
        {"Bucket": "b", "Prefix": "p/", "StartAfter": "p/0"},
        {"Bucket": "b", "Prefix": "p/", "StartAfter": "p/0", "ContinuationToken": "t1"},
        {"Bucket": "b", "Prefix": "p/", "StartAfter": "p/0", "ContinuationToken": "t2"},
    ]


def test_pages_refuse_a_server_that_answers_a_token_with_itself() -> None:
    again = {"Contents": objects("a"), "IsTruncated": True, "NextContinuationToken": "t1"}
    server = ScriptedServer([again, again, again])
    with pytest.raises(StorageError, match="continuation token 't1'"):
        list(pages(server, Bucket="b", Prefix=""))  # type: ignore[arg-type]
    assert len(server.asked) == 2
