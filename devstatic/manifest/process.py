"""Django's multi-pass post-processing over in-memory files, without storage I/O.

``HashedFilesMixin.post_process`` (Django 6.1) works like this, and so do we:

1. One pass over *all* files, deepest directories first (a stable sort, so ties
   keep the collection order). A file that cannot hold references gets
   ``name.<md5 of its bytes>.ext``. A CSS/JS file is rewritten first: each
   reference becomes the target's hashed name as known *at that moment*, the
   name from this run if the target was already processed, else the hash of
   the target's original bytes. The file's name is then the hash of the
   rewritten bytes.
2. More passes over the CSS/JS files only, in the same order, each seeing the
   names of the previous files, until a pass changes no name. After
   ``max_passes`` passes that still change names, it gives up. A cycle (``a.css``
   imports ``b.css`` imports ``a.css``) never settles: each file must contain the
   other's hash. So Django fails there, and so do we, with an error naming the
   cycle. A chain of references that is too deep fails the same way, as in Django.

Where we are faster without being different: rewriting a file is a pure
function of its text and of the names it looked up, so a file whose looked-up
names did not change since its last rewrite is skipped (Django redoes it and
gets the same bytes). Each file is hashed once up front, in threads when that
pays (hashlib releases the GIL on large buffers), and the rewritten text is
hashed once per rewrite.

What Django does on disk, and what ``contents`` therefore holds: every file is
written under its hashed name, the CSS/JS ones with their final rewritten
bytes. The unhashed originals stay as collected (not rewritten). Intermediate
versions from earlier passes are deleted by Django, so they are not returned.

Where we differ, on purpose, in cases where Django fails or depends on leftovers:
a reference resolves against ``files`` only (Django also finds stale files left
in STATIC_ROOT by earlier runs, and crashes with SuspiciousFileOperation on a
reference that leaves STATIC_ROOT; both are a missing reference here); CSS/JS
that is not UTF-8 is rewritten, not refused (see ``decode_text``); and a missing
reference can be kept with a warning (``strict=False``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from devstatic.disk import threads
from devstatic.manifest.hashing import file_hash, hashed_name
from devstatic.manifest.manifest import manifest_hash
from devstatic.manifest.rewrite import (
    FileNotCollected,
    KeepAsWritten,
    MissingReferenceError,
    OnMissing,
    Reference,
    decode_text,
    effective_static_url,
    encode_text,
    is_adjustable,
    rewrite_references,
)

# MissingReferenceError is raised from here too, so callers import it here.
__all__ = [
    "PROPSHAFT_PRE_HASHED",
    "MaxPassesExceededError",
    "MissingReferenceError",
    "ProcessResult",
    "is_pre_hashed",
    "location_of",
    "post_process_contents",
]

#: Propshaft's mark of a file that already carries its digest: ``name-HASH.digested.ext``.
PROPSHAFT_PRE_HASHED = r"-[0-9a-zA-Z_-]{7,128}\.digested\."


def is_pre_hashed(name: str, pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` is found in the file name (the last path segment) of ``name``."""
    return pattern.search(posixpath.basename(name)) is not None


@dataclass
class ProcessResult:
    """What a post-processing run produced.

    ``hashed_files`` maps each original name to its hashed name (Django's
    ``paths`` in ``staticfiles.json``); ``contents`` maps each hashed name to the
    bytes to write there; ``manifest_hash`` is the manifest's ``hash``;
    ``warnings`` lists references left unchanged because their target is
    missing (only with ``strict=False``); ``passes`` counts the passes after the
    first, as Django's loop counts them.
    """

    hashed_files: dict[str, str]
    contents: dict[str, bytes]
    manifest_hash: str
    warnings: list[str] = field(default_factory=list)
    passes: int = 0


class MaxPassesExceededError(RuntimeError):
    """Hashed names did not settle within ``max_passes`` passes.

    A ``RuntimeError`` whose message starts as Django's ("Max post-process
    passes exceeded"), and names the files still changing and the cycles among
    them, which Django leaves the user to find.
    """

    def __init__(self, unresolved: list[str], cycles: list[list[str]], max_passes: int) -> None:
        self.unresolved = unresolved
        self.cycles = cycles
        message = (
            f"Max post-process passes exceeded: after {max_passes} passes the hashed "
            f"names of {', '.join(unresolved)} still change."
        )
        if cycles:
            shown = "; ".join(" -> ".join([*cycle, cycle[0]]) for cycle in cycles)
            message += (
                f" These files refer to each other in a cycle: {shown}. Each would "
                "have to contain its own hash, so no name can settle; break the "
                "cycle (Django fails on it too)."
            )
        else:
            message += (
                f" There is no cycle: the chain of references is deeper than "
                f"max_passes={max_passes} allows (Django stops at the same point); "
                "raise max_passes."
            )
        super().__init__(message)


def location_of(name: str) -> str:
    """The file a looked-up reference opens: Django's ``hashed_name`` opens the
    percent-decoded, stripped path without its query, normalised lexically."""
    return posixpath.normpath(urlsplit(unquote(name)).path.strip())


def _path_level(name: str) -> int:
    return name.count("/") + 1


def _clean(name: str) -> str:
    """Django's ``clean_name`` (and ``hash_key``, which is the identity)."""
    return name.replace("\\", "/")


def _directories(names: Iterable[str]) -> set[str]:
    """Every folder that holds a collected file, the root included."""
    found = {".", ""}
    for name in names:
        folder = posixpath.dirname(name)
        while folder and folder not in found:
            found.add(folder)
            folder = posixpath.dirname(folder)
    return found


# hashlib releases the GIL only for buffers over 2 KiB, and a pool costs tens
# of microseconds per task: handing every file of a 5000-file tree (83 MB) to
# two threads took twice as long as hashing in line. Large files alone, in
# threads, were 4 to 6% faster on a busy 2-CPU host (0.124 s against 0.132 s
# for that tree, 0.296 s against 0.313 s for 192 MB of 8 MB files); more
# idle cores should help more. So only files from 64 KiB up go to threads,
# and only when they add up to 8 MiB.
_PARALLEL_MIN_BYTES = 8 << 20
_PARALLEL_MIN_FILE = 64 << 10


def _hash_all(files: Mapping[str, bytes], known: Mapping[str, str]) -> dict[str, str]:
    """md5 of every file not in ``known``, big ones in threads when there is enough to share."""
    digests: dict[str, str] = {name: known[name] for name in files if name in known}
    big = [
        name
        for name, data in files.items()
        if len(data) >= _PARALLEL_MIN_FILE and name not in digests
    ]
    workers = threads.hashing()
    if workers > 1 and len(big) > 1 and sum(len(files[n]) for n in big) >= _PARALLEL_MIN_BYTES:
        with threads.executor(workers, "hash") as pool:
            digests.update(zip(big, pool.map(file_hash, (files[n] for n in big)), strict=True))
    for name, data in files.items():
        if name not in digests:
            digests[name] = file_hash(data)
    return digests


class _Resolver:
    """Django's ``_stored_name(name, hashed_files)`` over in-memory files.

    A name found in ``hashed_files`` gives the name from this run; otherwise the
    target's *original* bytes are hashed, as Django re-reads the collected copy. A
    collected pre-hashed target raises ``KeepAsWritten``: its reference stays as it is.
    """

    def __init__(
        self,
        files: Mapping[str, bytes],
        digests: Mapping[str, str],
        pre_hashed: frozenset[str] = frozenset(),
        directories: Iterable[str] = (),
    ) -> None:
        self.hashed_files: dict[str, str] = {}
        #: The collected files whose names already carry their hash.
        self.pre_hashed = pre_hashed
        self._files = files
        self._digests = digests
        self._directories = _directories(files) | set(directories)
        self._fallback: dict[str, str] = {}
        self.looked_up: list[tuple[str, str]] | None = None

    def stored_name(self, name: str) -> str:
        name = posixpath.normpath(name)
        if self.pre_hashed:  # a tree without any costs nothing here
            location = posixpath.normpath(urlsplit(unquote(name)).path.strip())
            if location in self.pre_hashed:
                raise KeepAsWritten(location)
        found = self.hashed_files.get(_clean(name))
        if found is None:
            found = self._fallback.get(name)
            if found is None:
                found = self._fallback[name] = _clean(self._hash_original(name))
        if self.looked_up is not None:
            self.looked_up.append((name, found))
        return found

    def _hash_original(self, name: str) -> str:
        # Django's hashed_name(name) with no content: the file is opened by its
        # percent-decoded, stripped path, resolved as FileSystemStorage.path()
        # resolves it (lexically, never outside the root).
        location = location_of(name)
        if location in self._files:
            return hashed_name(name, self._digests[location])
        if location in self._directories:
            return name  # Django cannot open a folder and keeps the name.
        raise FileNotCollected(location)


@dataclass
class _Rewritten:
    data: bytes
    hashed: str
    looked_up: list[tuple[str, str]]


class _Processor:
    def __init__(
        self,
        files: Mapping[str, bytes],
        static_url: str,
        js_imports: bool,
        strict: bool,
        pre_hashed: re.Pattern[str] | None = None,
        digests: Mapping[str, str] | None = None,
        directories: Iterable[str] = (),
    ) -> None:
        self.files = files
        self.static_url = static_url
        self.js_imports = js_imports
        self.strict = strict
        self.digests = _hash_all(files, digests or {})
        kept = frozenset(name for name in files if pre_hashed and is_pre_hashed(name, pre_hashed))
        self.resolver = _Resolver(files, self.digests, kept, directories)
        self.warnings: list[str] = []
        self._texts: dict[str, str] = {}

    def rewrite(self, name: str, *, first_pass: bool) -> _Rewritten:
        on_missing: OnMissing | None
        if self.strict:
            on_missing = None
        elif first_pass:
            on_missing = self._warn
        else:  # The same references were reported in the first pass.
            on_missing = _ignore
        original = self.files[name]
        text = self._texts.get(name)
        if text is None:
            text = self._texts[name] = decode_text(original)
        looked_up: list[tuple[str, str]] = []
        self.resolver.looked_up = looked_up
        try:
            new_text = rewrite_references(
                name,
                text,
                self.resolver.stored_name,
                static_url=self.static_url,
                js_imports=self.js_imports,
                on_missing=on_missing,
            )
        finally:
            self.resolver.looked_up = None
        if new_text == text:
            data, digest = original, self.digests[name]
        else:
            data = encode_text(new_text)
            digest = file_hash(data)
        return _Rewritten(data, _clean(hashed_name(name, digest)), looked_up)

    def unchanged_since(self, done: _Rewritten) -> bool:
        """Whether every name ``done`` looked up still resolves the same."""
        stored_name = self.resolver.stored_name
        return all(stored_name(name) == found for name, found in done.looked_up)

    def _warn(self, reference: Reference) -> None:
        self.warnings.append(f"{reference.describe()}; left unchanged.")


def _ignore(reference: Reference) -> None:
    del reference


def _find_cycles(unresolved: list[str], edges: Mapping[str, set[str]]) -> list[list[str]]:
    """One shortest cycle through each unresolved file that lies on one."""
    cycles: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    for start in unresolved:
        parents: dict[str, str] = {}
        frontier = [start]
        found = False
        while frontier and not found:
            following: list[str] = []
            for node in frontier:
                for target in sorted(edges.get(node, ())):
                    if target == start:
                        cycle = [node]
                        while cycle[-1] != start:
                            cycle.append(parents[cycle[-1]])
                        cycle.reverse()
                        key = frozenset(cycle)
                        if key not in seen:
                            seen.add(key)
                            cycles.append(cycle)
                        found = True
                        break
                    if target not in parents:
                        parents[target] = node
                        following.append(target)
                if found:
                    break
            frontier = following
    return cycles


def post_process_contents(
    files: Mapping[str, bytes],
    *,
    static_url: str = "/static/",
    js_imports: bool = True,
    strict: bool = True,
    max_passes: int = 5,
    pre_hashed: re.Pattern[str] | None = None,
    digests: Mapping[str, str] | None = None,
    directories: Iterable[str] = (),
) -> ProcessResult:
    """Hash and rewrite ``files`` (POSIX relative name → bytes) as Django does.

    The names and bytes equal those of Django 6.1's ``ManifestStaticFilesStorage``
    (with ``support_js_module_import_aggregation = True`` when ``js_imports``)
    run by ``collectstatic`` on the same files into an empty ``STATIC_ROOT``;
    pass ``files`` in collection order so that Django's pass order, which decides
    only *whether* a deep chain fails, is the same. References resolve against
    ``files`` alone. A missing target raises
    :class:`~devstatic.manifest.rewrite.MissingReferenceError` (``strict``) or
    is left unchanged with a warning; names that do not settle raise
    :class:`MaxPassesExceededError`.

    A file whose name ``pre_hashed`` matches (see :func:`is_pre_hashed`) already
    carries its content hash: it keeps its name and its bytes, and references to it
    are left exactly as written.

    ``digests`` gives the md5 (:func:`file_hash`) of files already hashed, so they are
    not hashed again (development recomputes names after each edit); ``directories``
    adds folders that exist besides those holding ``files`` (a reference to a folder
    is kept as written, as Django keeps it).
    """
    if max_passes < 0:
        raise ValueError(f"max_passes must be 0 or more, not {max_passes}.")
    processor = _Processor(
        files,
        effective_static_url(static_url),
        js_imports,
        strict,
        pre_hashed,
        digests,
        directories,
    )
    hashed_files = processor.resolver.hashed_files
    digests = processor.digests
    order = sorted(files, key=_path_level, reverse=True)
    kept = processor.resolver.pre_hashed
    adjustable = [name for name in order if is_adjustable(name) and name not in kept]
    rewritten: dict[str, _Rewritten] = {}

    for name in order:
        if name in kept:
            hashed_files[_clean(name)] = _clean(name)
        elif is_adjustable(name):
            done = rewritten[name] = processor.rewrite(name, first_pass=True)
            hashed_files[_clean(name)] = done.hashed
        else:
            hashed_files[_clean(name)] = _clean(hashed_name(name, digests[name]))

    unresolved: list[str] = []
    passes = 0
    for _ in range(max_passes):
        passes += 1
        unresolved = []
        for name in adjustable:
            previous = rewritten[name]
            if processor.unchanged_since(previous):
                continue
            done = rewritten[name] = processor.rewrite(name, first_pass=False)
            if done.hashed != previous.hashed:
                unresolved.append(name)
            hashed_files[_clean(name)] = done.hashed
        if not unresolved:
            break
    if unresolved:
        edges = {
            name: {target for target, _ in rewritten[name].looked_up if target in rewritten}
            for name in adjustable
        }
        unresolved.sort()
        raise MaxPassesExceededError(unresolved, _find_cycles(unresolved, edges), max_passes)

    contents: dict[str, bytes] = {}
    for name, data in files.items():
        done_or_none = rewritten.get(name)
        contents[hashed_files[_clean(name)]] = data if done_or_none is None else done_or_none.data
    return ProcessResult(
        hashed_files={name: hashed_files[_clean(name)] for name in files},
        contents=contents,
        manifest_hash=manifest_hash(hashed_files),
        warnings=processor.warnings,
        passes=passes,
    )
