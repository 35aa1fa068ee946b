"""``collect()``: gather every file the finders provide into a storage, as Django does.

The rules are Django's ``collectstatic``: the first finder (and the first location of
a finder) that has a path wins and later duplicates are reported and skipped; a stored
file that is already current is left alone; ``--clear`` first deletes every stored file.
Copies run on ``storage.max_workers`` threads (with one, in this thread as one batch,
``storage.save_many``), but every message is printed in the order Django would print
it, so output stays deterministic. The storage writes each
file atomically (temp name + rename), and ``storage.finish()`` (which writes a manifest)
runs last, only after every copy succeeded.
"""

from __future__ import annotations

import enum
import os
import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from devstatic.collect.progress import PlainProgress, Progress
from devstatic.config.settings import Settings
from devstatic.disk import threads
from devstatic.exceptions import StorageError
from devstatic.finders import BaseFinder, get_finders
from devstatic.storage.base import Storage

T = TypeVar("T")

#: ``log(message, level)``: print ``message`` when the verbosity is at least ``level``.
Log = Callable[[str, int], None]

DUPLICATE_MESSAGE = (
    "Found another file with the destination path '{}'. It will be ignored since only "
    "the first encountered file is collected. If this is not what you want, make sure "
    "every static file has a unique path."
)


@dataclass(frozen=True)
class CollectOptions:
    """The ``collectstatic`` flags. ``ignore_patterns`` ``None`` means the settings' ones."""

    clear: bool = False
    dry_run: bool = False
    link: bool = False
    post_process: bool = True
    ignore_patterns: tuple[str, ...] | None = None


class Outcome(enum.Enum):
    UNMODIFIED = "unmodified"
    WRITTEN = "written"
    REPLACED = "replaced"


@dataclass(frozen=True)
class Found:
    """One collected path and the file it comes from."""

    name: str
    source: Path


@dataclass(frozen=True)
class Duplicate:
    """A later file with an already collected destination path (skipped)."""

    name: str
    source: Path


Stats = dict[str, list[str]]


def ignore_patterns_for(
    settings: Settings, extra: Iterable[str] = (), *, use_defaults: bool = True
) -> tuple[str, ...]:
    """The patterns for a run: the settings' (unless ``--no-default-ignore``) plus ``-i`` ones.

    Like Django, each pattern is normalised (``css/`` is ``css``) and duplicates dropped.
    """
    patterns = [*(settings.ignore_patterns if use_defaults else ()), *extra]
    return tuple(dict.fromkeys(posixpath.normpath(p) for p in patterns if p))


def discover(finders: Iterable[BaseFinder], patterns: Iterable[str]) -> list[Found | Duplicate]:
    """Every file of every finder, in search order; a path already seen is a ``Duplicate``."""
    patterns = tuple(patterns)
    seen: set[str] = set()
    out: list[Found | Duplicate] = []
    for finder in finders:
        for name, source in finder.list(patterns):
            if name in seen:
                out.append(Duplicate(name, source))
            else:
                seen.add(name)
                out.append(Found(name, source))
    return out


def collect(
    settings: Settings,
    storage: Storage,
    *,
    options: CollectOptions,
    log: Log | None = None,
    progress: Progress | None = None,
) -> Stats:
    """Collect into ``storage``; returns the names per outcome (what the summary counts).

    Keys: ``copied``, ``symlinked``, ``modified`` (both, Django's key), ``unmodified``,
    ``post_processed``, ``deleted`` and ``skipped`` (duplicates). With ``dry_run`` the
    lists say what would happen and nothing is written. Raises ``StorageError`` when
    the storage fails; files written until then are whole.
    """
    log = log or _silent
    progress = progress or PlainProgress(None)
    patterns = tuple(
        settings.ignore_patterns if options.ignore_patterns is None else options.ignore_patterns
    )
    stats: Stats = {
        key: []
        for key in (
            "deleted",
            "copied",
            "symlinked",
            "modified",
            "unmodified",
            "post_processed",
            "skipped",
        )
    }
    workers = max(1, int(storage.max_workers))
    # One worker: everything runs in this thread, the copies in one batch (no pool,
    # whose hand-offs cost more than a local copy). More: a pool of that many threads
    # (an object store's uploads, which wait on the network).
    executor = threads.executor(workers, "collect") if workers > 1 else None
    try:
        # Find first: a finder that fails (a package gone missing) must not leave a
        # storage that --clear has already emptied.
        entries = discover(get_finders(settings), patterns)
        if options.clear:
            _clear(storage, executor, stats, log, dry_run=options.dry_run)
        found: dict[str, Path] = {}
        for entry in entries:
            if isinstance(entry, Found):
                found[entry.name] = entry.source
        _guard(
            lambda: storage.begin(
                found, dry_run=options.dry_run, post_process=options.post_process
            ),
            "starting the collection",
        )
        outcomes = _transfers(storage, executor, found, options)
        progress.start(len(found))
        for entry in entries:
            if isinstance(entry, Duplicate):
                log(DUPLICATE_MESSAGE.format(entry.name), 1)
                stats["skipped"].append(entry.name)
                continue
            try:
                outcome = next(outcomes)
            except StorageError:
                raise
            except OSError as exc:
                raise StorageError(f"Failed collecting '{entry.name}': {_os_reason(exc)}.") from exc
            _report(entry, outcome, options, stats, log)
            progress.advance()
        stats["modified"] = stats["copied"] + stats["symlinked"]
        if options.post_process:
            _post_process(storage, found, stats, log, dry_run=options.dry_run)
        if not options.dry_run:
            _guard(storage.finish, "finishing the collection")
    finally:
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
    return stats


def summary_line(stats: Mapping[str, list[str]], *, link: bool, destination: str | None) -> str:
    """Django's closing line, e.g. ``3 static files copied to '/abs/root', 1 unmodified.``

    As in Django 6.1: ``N static files deleted, `` first when ``--clear`` deleted some,
    and ``, N skipped due to conflict`` for duplicate destination paths.
    """
    deleted = len(stats.get("deleted", ()))
    modified = len(stats.get("copied", ())) + len(stats.get("symlinked", ()))
    unmodified = len(stats.get("unmodified", ()))
    post_processed = len(stats.get("post_processed", ()))
    skipped = len(stats.get("skipped", ()))
    parts = []
    if deleted:
        parts.append(f"{deleted} static file{'' if deleted == 1 else 's'} deleted, ")
    parts.append(f"{modified} static file{'' if modified == 1 else 's'} ")
    parts.append("symlinked" if link else "copied")
    if destination:
        parts.append(f" to {destination}")
    if unmodified:
        parts.append(f", {unmodified} unmodified")
    if post_processed:
        parts.append(f", {post_processed} post-processed")
    if skipped:
        parts.append(f", {skipped} skipped due to conflict")
    return "".join(parts) + "."


# -- the steps ----------------------------------------------------------------------------


def _silent(message: str, level: int) -> None:
    pass


def _clear(
    storage: Storage, executor: ThreadPoolExecutor | None, stats: Stats, log: Log, *, dry_run: bool
) -> None:
    """Delete every stored name (Django 6.1's ``--clear``); a symlink is removed, not followed."""
    names = list(_guard(storage.list_names, "listing the stored files"))
    if dry_run:
        for name in names:
            log(f"Pretending to delete '{name}'", 1)
            stats["deleted"].append(name)
        return
    if executor is None:
        for name in names:
            try:
                storage.delete(name)
            except OSError as exc:
                raise StorageError(f"Failed deleting '{name}': {_os_reason(exc)}.") from exc
            log(f"Deleting '{name}'", 1)
            stats["deleted"].append(name)
        return
    futures = [(name, executor.submit(storage.delete, name)) for name in names]
    for name, future in futures:
        _result(future, name, doing="deleting")
        log(f"Deleting '{name}'", 1)
        stats["deleted"].append(name)


def _transfers(
    storage: Storage,
    executor: ThreadPoolExecutor | None,
    found: Mapping[str, Path],
    options: CollectOptions,
) -> Iterator[Outcome]:
    """The outcome of each found file, in order; the work starts before the first is
    asked for. A failure raises at its file (an ``OSError`` for the caller to word).

    With a pool the files go to it in chunks of ``TRANSFER_CHUNK``, all submitted at
    once. Without one, plain copies go to ``storage.save_many`` as one batch, and links
    and dry runs run here file by file.
    """
    if executor is not None:
        items = list(found.items())
        futures = [
            executor.submit(_transfer_chunk, storage, items[i : i + TRANSFER_CHUNK], options)
            for i in range(0, len(items), TRANSFER_CHUNK)
        ]
        return _chunk_outcomes(futures)
    if not options.link and not options.dry_run:
        return map(Outcome, storage.save_many(found.items()))
    return (_transfer(storage, name, source, options) for name, source in found.items())


#: Files per task on the pool. One task a file made a rerun into a bucket (every file
#: current, decided from the listing in microseconds) spend more on the hand-offs
#: between threads than on the files: 5 000 files took ~1.5 s after the listing. 16
#: files a task still keep every thread busy on a first upload but for the last tasks.
TRANSFER_CHUNK = 16


def _transfer_chunk(
    storage: Storage, chunk: list[tuple[str, Path]], options: CollectOptions
) -> tuple[list[Outcome], BaseException | None]:
    """``_transfer`` of each file of ``chunk`` in order, on a worker thread; stops at
    the first failure, returned after the outcomes before it so they are still reported."""
    outcomes: list[Outcome] = []
    for name, source in chunk:
        try:
            outcomes.append(_transfer(storage, name, source, options))
        except Exception as exc:  # re-raised by _chunk_outcomes, at its file
            return outcomes, exc
    return outcomes, None


def _chunk_outcomes(
    futures: list[Future[tuple[list[Outcome], BaseException | None]]],
) -> Iterator[Outcome]:
    for future in futures:
        outcomes, error = future.result()
        yield from outcomes
        if error is not None:
            raise error


def _transfer(storage: Storage, name: str, source: Path, options: CollectOptions) -> Outcome:
    """Copy (or link) one file unless the stored one is current (on a worker thread
    when the storage has a pool)."""
    if options.link:
        if _link_is_current(storage, name, source):
            return Outcome.UNMODIFIED
    elif storage.is_current(name, source):
        return Outcome.UNMODIFIED
    existed = storage.exists(name)
    if not options.dry_run:
        if options.link:
            storage.link(name, source)
        else:
            storage.save(name, source)
    return Outcome.REPLACED if existed else Outcome.WRITTEN


def _link_is_current(storage: Storage, name: str, source: Path) -> bool:
    """A stored symlink already pointing at ``source`` needs no new link (Django's rule)."""
    try:
        target = storage.path(name)
    except NotImplementedError:
        return False
    return os.path.islink(target) and os.path.realpath(target) == os.path.realpath(source)


def _report(
    entry: Found, outcome: Outcome, options: CollectOptions, stats: Stats, log: Log
) -> None:
    """Django's per-file lines and bookkeeping for one transferred file."""
    if outcome is Outcome.UNMODIFIED:
        stats["unmodified"].append(entry.name)
        log(f"Skipping '{entry.name}' (not modified)", 2)
        return
    dry = options.dry_run
    if outcome is Outcome.REPLACED:
        # The storage replaces the old file atomically; the line is Django's wording.
        log(f"{'Pretending to delete' if dry else 'Deleting'} '{entry.name}'", 2)
    if options.link:
        log(
            f"Pretending to link '{entry.source}'" if dry else f"Linking '{entry.source}'",
            1 if dry else 2,
        )
        stats["symlinked"].append(entry.name)
    else:
        log(
            f"Pretending to copy '{entry.source}'" if dry else f"Copying '{entry.source}'",
            1 if dry else 2,
        )
        stats["copied"].append(entry.name)


def _post_process(
    storage: Storage, found: Mapping[str, Path], stats: Stats, log: Log, *, dry_run: bool
) -> None:
    processor = _guard(
        lambda: iter(storage.post_process(found, dry_run=dry_run)), "post-processing"
    )
    while True:
        try:
            item = next(processor)
        except StopIteration:
            break
        except StorageError:
            raise
        except OSError as exc:
            raise StorageError(f"Post-processing failed: {_os_reason(exc)}.") from exc
        original, processed_name, processed = item
        if isinstance(processed, Exception):
            raise StorageError(f"Post-processing '{original}' failed: {processed}") from processed
        if processed:
            log(f"Post-processed '{original}' as '{processed_name}'", 2)
            stats["post_processed"].append(original)
        else:
            log(f"Skipped post-processing '{original}'", 2)


def _result(future: Future[T], name: str, doing: str = "collecting") -> T:
    """The future's value; an ``OSError`` becomes a one-line ``StorageError`` naming the file."""
    try:
        return future.result()
    except StorageError:
        raise
    except OSError as exc:
        raise StorageError(f"Failed {doing} '{name}': {_os_reason(exc)}.") from exc


def _guard(call: Callable[[], T], doing: str) -> T:
    try:
        return call()
    except StorageError:
        raise
    except OSError as exc:
        raise StorageError(f"Failed {doing}: {_os_reason(exc)}.") from exc


def _os_reason(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    filename = exc.filename
    return f"{reason} ({filename})" if filename else reason
