"""Listing a prefix of a bucket in parallel, and parsing the listing cheaply.

S3 lists a prefix page by page, 1,000 keys a page, and each page needs the previous
page's continuation token: a 10,000-object prefix is ten round trips in a row. A rerun
of ``collectstatic`` decides everything from one listing, so that chain is most of its
time. Two ways to cut it into chains that run on threads side by side:

- ``list_ranges``, when the keys to expect are known (collectstatic's own names): the
  sorted names are cut into ranges of a little less than a page of keys each, and each
  range is listed from its first key (``StartAfter``) until a key reaches its end. The
  requests are about as many as in one chain, nearly every key listed is wanted, but the
  chains overlap: the client parses one page while the server prepares the next.
- ``list_tree`` otherwise: when the first page is not the last, one delimited listing
  finds the prefix's top-level folders, and each folder is listed on its own thread (its
  pages still in a row). The first page is kept: the folders are listed from where it
  stopped. A prefix that fits one page costs one request; one huge folder is listed in
  a row.

Parsing is the other cost: botocore parses every ``LastModified`` with dateutil, a
fraction of a millisecond each, longer than the rest of the listing's parsing on the
client. ``parse_timestamp`` reads S3's ISO 8601 form with the standard library.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from devstatic.disk import threads
from devstatic.exceptions import StorageError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = [
    "Listing",
    "list_ranges",
    "list_tree",
    "pages",
    "parse_timestamp",
    "plan_rest",
    "range_bounds",
    "within_range",
]

#: One object of a listing as boto3 gives it (``Key``, ``ETag``, ``LastModified`` ...).
Item = Mapping[str, Any]

DELIMITER = "/"
#: Keys in one page of a listing (S3's most).
PAGE = 1000


def parse_timestamp(value: Any) -> datetime.datetime:
    """botocore's ``timestamp_parser``: ISO 8601 (listings) by the standard library,
    anything else (``Last-Modified`` headers, epoch numbers) by botocore's own parser."""
    if isinstance(value, str):
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None:
                return parsed
    from botocore.utils import parse_timestamp as botocore_parse_timestamp

    return botocore_parse_timestamp(value)


def use_fast_timestamps(botocore_session: Any) -> None:
    """Make clients of ``botocore_session`` parse timestamps with ``parse_timestamp``."""
    factory = botocore_session.get_component("response_parser_factory")
    factory.set_parser_defaults(timestamp_parser=parse_timestamp)


@dataclass(frozen=True)
class Listing:
    """What one listing request chain returned: objects, and folders when delimited."""

    items: list[Item]
    folders: list[str]


@dataclass(frozen=True)
class FolderTask:
    """List every key under ``prefix`` that sorts after ``start_after`` (all when empty)."""

    prefix: str
    start_after: str = ""


def plan_rest(prefix: str, last: str, top: Listing) -> tuple[list[Item], list[FolderTask]]:
    """What is left to list under ``prefix`` once a first page stopped at key ``last``.

    ``top`` is the delimited listing of ``prefix`` after ``last``. Its objects after
    ``last`` are kept; each folder sorting after ``last`` is listed whole; the folder
    holding ``last`` is listed from ``last`` on, whether or not the server rolled it up
    (S3 and its imitations differ there); a folder sorting before ``last`` was listed
    whole by the first page. Keys compare as strings: for valid UTF-8 (every S3 key)
    that is the byte order S3 lists in.
    """
    rest = last[len(prefix) :]
    own = prefix + rest.split(DELIMITER, 1)[0] + DELIMITER if DELIMITER in rest else None
    items = [item for item in top.items if item["Key"] > last]
    tasks = [FolderTask(own, last)] if own is not None else []
    tasks += [FolderTask(folder) for folder in top.folders if folder > last and folder != own]
    return items, tasks


def list_tree(client: S3Client, bucket: str, prefix: str, *, workers: int) -> list[Item]:
    """Every object under ``prefix``: the first page, then the rest folder by folder on
    up to ``workers`` threads. The first failure raises (after the others stopped)."""
    first = client.list_objects_v2(Bucket=bucket, Prefix=prefix)
    items: list[Item] = list(first.get("Contents", []))
    if not first.get("IsTruncated"):
        return items
    if not items:  # a truncated page without objects gives no key to go on from
        return _list(client, bucket, prefix).items
    last = str(items[-1]["Key"])
    top = _list(client, bucket, prefix, delimiter=DELIMITER, start_after=last)
    more, tasks = plan_rest(prefix, last, top)
    items += more

    def list_folder(task: FolderTask) -> Listing:
        return _list(client, bucket, task.prefix, start_after=task.start_after)

    for listed in _run(tasks, list_folder, workers):
        items += listed.items
    return items


def pages(client: S3Client, **params: str) -> Iterator[Mapping[str, Any]]:
    """The pages of one ``ListObjectsV2`` chain, each request carrying the previous
    page's continuation token. botocore's paginator does the same, but its first use
    loads the paginators' model: ~0.1 s on a rerun's path before the first request.
    A server that sends the token it was given (the paginator checks this too) would
    make the chain endless: that is an error."""
    while True:
        page: Mapping[str, Any] = client.list_objects_v2(**params)  # type: ignore[arg-type]
        yield page
        token = page.get("NextContinuationToken")
        if not page.get("IsTruncated") or not token:
            return
        if token == params.get("ContinuationToken"):
            raise StorageError(
                f"the S3 server answered continuation token {token!r} with itself: "
                "its listing of the bucket would never end."
            )
        params = {**params, "ContinuationToken": token}


def range_bounds(keys: Iterable[str], per_range: int = PAGE) -> list[str]:
    """Where to cut the sorted ``keys`` into ranges of ``per_range``: range ``i`` holds the
    keys after bound ``i - 1`` (from the start, for the first) up to bound ``i``
    included (to the end, for the last). Fewer than ``per_range`` keys: no cut."""
    ordered = sorted(keys)
    return ordered[per_range - 1 : len(ordered) - 1 : per_range]


def within_range(items: Iterable[Item], end: str | None) -> tuple[list[Item], bool]:
    """The items of one page that belong to a range ending at ``end`` (``None``: no end),
    and whether the range is finished (``end`` or a key past it was listed)."""
    kept: list[Item] = []
    for item in items:
        key = item["Key"]
        if end is not None and key > end:
            return kept, True
        kept.append(item)
        if key == end:  # keys are unique: nothing after it is this range's
            return kept, True
    return kept, False


def list_ranges(
    client: S3Client, bucket: str, prefix: str, bounds: list[str], *, workers: int
) -> list[Item]:
    """Every object under ``prefix``, listed as the ranges ``bounds`` cut it into (see
    ``range_bounds``; bounds are full keys), each on its own thread, in key order. A
    bound the bucket lacks only moves a cut: every key is listed exactly once."""
    starts: list[str] = ["", *bounds]
    ends: list[str | None] = [*bounds, None]

    def list_range(index: int) -> list[Item]:
        options = {"StartAfter": starts[index]} if starts[index] else {}
        items: list[Item] = []
        for page in pages(client, Bucket=bucket, Prefix=prefix, **options):
            kept, done = within_range(page.get("Contents", []), ends[index])
            items += kept
            if done:
                break
        return items

    return [
        item for listed in _run(list(range(len(starts))), list_range, workers) for item in listed
    ]


_Task = TypeVar("_Task")
_Result = TypeVar("_Result")


def _run(tasks: list[_Task], work: Callable[[_Task], _Result], workers: int) -> Iterable[_Result]:
    if workers <= 1 or len(tasks) <= 1:
        return [work(task) for task in tasks]
    with threads.executor(min(workers, len(tasks)), "list") as pool:
        futures = [pool.submit(work, task) for task in tasks]
        try:
            return [future.result() for future in futures]
        finally:
            for future in futures:
                future.cancel()


def _list(
    client: S3Client,
    bucket: str,
    prefix: str,
    *,
    delimiter: str = "",
    start_after: str = "",
) -> Listing:
    """One chain of pages."""
    options: dict[str, str] = {}
    if delimiter:
        options["Delimiter"] = delimiter
    if start_after:
        options["StartAfter"] = start_after
    items: list[Item] = []
    folders: list[str] = []
    for page in pages(client, Bucket=bucket, Prefix=prefix, **options):
        items += page.get("Contents", [])
        folders += [str(entry["Prefix"]) for entry in page.get("CommonPrefixes", [])]
    return Listing(items, folders)
