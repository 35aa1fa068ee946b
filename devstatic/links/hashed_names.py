"""Production's content-hashed names, computed in development from the sources.

With ``hashed_urls`` on, ``static()`` returns the name ``collectstatic`` would write for
the files as they are now, and the middleware serves that name with the bytes
``collectstatic`` would write there. Both come from ``post_process_contents``, the code
``collectstatic`` itself runs, applied to the *closure* of the name asked for: the file,
the files it refers to, theirs, and so on. A page therefore pays for what it uses, not
for the whole tree, and a reference that would stop the deploy (a missing file, a
cycle) stops the page that names it.

Which names a run may answer for, and for how long: each name keeps the files (and the
missing names, and the folders) its own closure read, each with the ``stat`` identity it
had; a name is reused only while every one of them is still that file, still missing,
still a folder. A file changed so recently that the clock could hide a second write of
the same size (see ``devstatic.disk.versions.RACY_NS``) is re-read and compared by content instead.
The names of a closure agree whichever of its files the run started from (they are the
unique fixed point of "a file's hash is the hash of its rewritten bytes"), so one run
answers for every file it processed.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import stat as stat_module
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote, urlsplit

from devstatic.config.settings import Settings
from devstatic.disk.versions import RACY_NS, Version, version_of
from devstatic.finders import BaseFinder, Candidate, examine_candidate, get_finders
from devstatic.manifest.hashing import HASH_LENGTH, file_hash, hashed_name
from devstatic.manifest.process import MaxPassesExceededError, post_process_contents
from devstatic.manifest.references import referenced_locations
from devstatic.manifest.rewrite import MissingReferenceError, is_adjustable
from devstatic.storage.base import storage_class
from devstatic.storage.manifest_options import ManifestOptions

logger = logging.getLogger("devstatic")

__all__ = [
    "HashedNameError",
    "HashedNames",
    "Named",
    "development_url",
    "hashed_urls_enabled",
    "names_for",
    "plain_name",
]

#: Files larger than this that cannot hold references are hashed in chunks and not kept.
KEEP_BYTES = 1024 * 1024
_CHUNK = 1024 * 1024
#: Names (files, folders, missing names) remembered; beyond this the memory starts over.
MAX_NAMES = 65536

Kind = Literal["file", "folder", "missing", "opaque"]


class HashedNameError(ValueError):
    """A hashed name cannot be computed: ``collectstatic`` would stop on this file.

    A ``ValueError`` (what ``static()`` raises in production for a name it cannot give)
    carrying ``collectstatic``'s own message: the file, the line, the missing target,
    or the files that refer to each other in a cycle.
    """


def plain_name(name: str) -> tuple[str, str] | None:
    """``(plain name, hash)`` when ``name`` has the form ``hashed_name`` gives, else ``None``
    (see ``_plain_name``). Remembered for names up to 1 KiB (every request under
    ``static_url`` asks), so that hostile long paths cannot fill memory.
    """
    if len(name) > 1024:
        return _plain_name(name)
    return _remembered_plain_name(name)


def _plain_name(name: str) -> tuple[str, str] | None:
    """``css/app.0123456789ab.css`` → ``("css/app.css", "0123456789ab")``; the inverse is
    checked by building the name again, so ``x.tar.<hash>.gz`` and ``LICENSE.<hash>``
    work and nothing else is taken for a hashed name.
    """
    folder, _, filename = name.rpartition("/")
    parts = filename.split(".")
    for index in (len(parts) - 1, len(parts) - 2):
        if index < 1:
            continue
        digest = parts[index]
        if len(digest) != HASH_LENGTH or not all(c in "0123456789abcdef" for c in digest):
            continue
        plain_file = ".".join(parts[:index] + parts[index + 1 :])
        plain = f"{folder}/{plain_file}" if folder else plain_file
        if hashed_name(plain, digest) == name:
            return plain, digest
    return None


_remembered_plain_name = functools.lru_cache(maxsize=8192)(_plain_name)


@dataclass(frozen=True, slots=True)
class Source:
    """What one collected name was when it was read: a file, a folder, or nothing."""

    name: str
    kind: Kind
    path: str | None = None
    version: Version | None = None
    #: Earlier candidates that were missing; one appearing would win instead.
    shadows: tuple[str, ...] = ()
    #: The bytes, for files that may hold references and for small files.
    data: bytes | None = None
    digest: str = ""
    settled: bool = True
    #: The names this file refers to (CSS and JS only).
    refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Named:
    """The answer for one plain name: its hashed name and what to serve under it.

    ``hashed`` is ``None`` when no finder has the name or it cannot be hashed
    (``error``). ``content`` holds the bytes collectstatic writes under ``hashed`` when
    they differ from the source's (references rewritten); ``None`` means the source's
    own bytes.
    """

    name: str
    hashed: str | None
    source: Source
    deps: tuple[Source, ...]
    content: bytes | None = None
    error: HashedNameError | MissingReferenceError | None = None
    #: ``deps`` as stat checks (see ``_stats_unchanged``), computed once.
    checks: tuple[tuple[tuple[str, Version], ...], tuple[str, ...]] | None = field(
        init=False, default=None, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "checks", _checks(self.deps))


class HashedNames:
    """Hashed names of one configuration's sources, computed on demand and kept current."""

    def __init__(
        self,
        finders: Sequence[BaseFinder],
        *,
        static_path: str,
        js_imports: bool = True,
        strict: bool = True,
        follow_symlinks: bool = False,
        pre_hashed: re.Pattern[str] | None = None,
    ) -> None:
        self.finders = tuple(finders)
        self.pre_hashed = pre_hashed
        self.static_path = static_path
        self.js_imports = js_imports
        self.strict = strict
        self.follow_symlinks = follow_symlinks
        self._lock = threading.RLock()
        self._sources: dict[str, Source] = {}
        self._named: dict[str, Named] = {}
        #: Bumped whenever a name's answer changes (live reload asks what moved).
        self.generation = 0

    # -- the public questions ------------------------------------------------------------

    def hashed_name(self, name: str) -> str:
        """The name collectstatic would write for ``name`` now; ``ValueError`` as in production.

        A name no finder provides raises ``Missing staticfiles manifest entry for ...``
        (with ``manifest-strict = false`` it is returned unchanged, as production does).
        """
        clean = name.lstrip("/")
        named = self.lookup(clean)
        if named.error is not None:
            raise _fresh(named.error)
        if named.hashed is None:
            if self.strict:
                raise ValueError(f"Missing staticfiles manifest entry for '{clean}'")
            return clean
        return named.hashed

    def lookup(self, name: str) -> Named:
        """The current answer for ``name`` (blocking: it may stat and read files)."""
        with self._lock:
            known = self._named.get(name)
            if known is not None and (
                _stats_unchanged(known) or all(self._unchanged(dep) for dep in known.deps)
            ):
                return known
            return self._compute(name)

    def peek(self, name: str, max_deps: int = 16) -> Named | None:
        """The known answer for ``name`` when checking it costs at most ``max_deps`` stats
        (no read: a file not settled is re-read) and no wait for the lock; else ``None``
        (call ``lookup`` off the event loop)."""
        known = self._named.get(name)
        if known is None or len(known.deps) > max_deps:
            return None
        sources = self._sources
        if not all(sources.get(dep.name, dep).settled for dep in known.deps):
            return None
        if not self._lock.acquire(blocking=False):
            return None
        try:
            if self._named.get(name) is known and all(self._unchanged(d) for d in known.deps):
                return known
            return None
        finally:
            self._lock.release()

    def affected(self, changed: Sequence[str]) -> list[str]:
        """The changed names and every name answered so far that depends on one of them,
        largest closure first (computing it answers for the smaller ones)."""
        wanted = set(changed)
        with self._lock:
            hits = [
                named
                for named in self._named.values()
                if named.name in wanted or any(dep.name in wanted for dep in named.deps)
            ]
        hits.sort(key=lambda named: len(named.deps), reverse=True)
        return list(dict.fromkeys([*(named.name for named in hits), *changed]))

    # -- validity ------------------------------------------------------------------------

    def _unchanged(self, dep: Source) -> bool:
        """Whether ``dep`` still describes what its name finds (see the module doc)."""
        current = self._sources.get(dep.name, dep)
        return _same(current, dep) and self._valid(current)

    def _valid(self, source: Source) -> bool:
        if not source.settled:
            # Re-read: only the content can tell (a racy write, an opaque finder).
            fresh = self._find(source.name)
            if (fresh.kind, fresh.path, fresh.digest) != (source.kind, source.path, source.digest):
                self._forget(source.name)
                return False
            if fresh.settled or fresh.version != source.version:
                self._sources[source.name] = fresh
            return True
        for shadow in source.shadows:
            if _exists(shadow):
                self._forget(source.name)
                return False
        if source.kind == "missing":
            return True
        assert source.path is not None
        try:
            st = os.stat(source.path)
        except (OSError, ValueError):
            self._forget(source.name)
            return False
        if source.kind == "folder":
            return stat_module.S_ISDIR(st.st_mode)
        if version_of(st) != source.version:
            self._forget(source.name)
            return False
        return True

    def _forget(self, name: str) -> None:
        self._sources.pop(name, None)

    # -- computing -----------------------------------------------------------------------

    def _source(self, name: str) -> Source:
        known = self._sources.get(name)
        if known is not None and self._unchanged(known):
            return known
        found = self._find(name)
        if len(self._sources) >= MAX_NAMES:
            self._sources.clear()
            self._named.clear()
        self._sources[name] = found
        return found

    def _compute(self, name: str) -> Named:
        closure: dict[str, Source] = {}
        pending = [name]
        while pending:
            location = pending.pop()
            if location in closure:
                continue
            source = closure[location] = self._source(location)
            pending.extend(reversed(source.refs))
        root = closure[name]
        if root.kind not in ("file", "opaque"):
            named = Named(name, None, root, (root,))
            self._store(named)
            return named
        files = {n: s for n, s in sorted(closure.items()) if s.kind in ("file", "opaque")}
        contents = {n: s.data if s.data is not None else b"" for n, s in files.items()}
        try:
            result = post_process_contents(
                contents,
                static_url=self.static_path,
                js_imports=self.js_imports,
                strict=self.strict,
                pre_hashed=self.pre_hashed,
                digests={n: s.digest for n, s in files.items()},
                directories=[n for n, s in closure.items() if s.kind == "folder"],
            )
        except MissingReferenceError as exc:
            named = Named(name, None, root, tuple(closure.values()), error=exc)
            self._store(named)
            return named
        except (MaxPassesExceededError, ValueError) as exc:
            error = HashedNameError(str(exc))
            named = Named(name, None, root, tuple(closure.values()), error=error)
            self._store(named)
            return named
        for warning in result.warnings:
            logger.warning("devstatic: %s", warning)
        answer: Named | None = None
        for member, source in files.items():
            hashed = result.hashed_files[member]
            content = result.contents[hashed] if is_adjustable(member) else None
            if content is not None and content == source.data:
                content = None
            named = Named(member, hashed, source, _deps(member, closure), content)
            self._store(named)
            if member == name:
                answer = named
        assert answer is not None
        return answer

    def _store(self, named: Named) -> None:
        old = self._named.get(named.name)
        if old is None or old.hashed != named.hashed or str(old.error) != str(named.error):
            self.generation += 1
        self._named[named.name] = named

    def _find(self, name: str) -> Source:
        """The file that wins for ``name``, as the resolver finds it (first finder, first
        location, no symlink out of its root unless ``follow_symlinks``)."""
        shadows: list[str] = []
        # After a finder we cannot watch, only finding again can tell what wins.
        opaque = False
        for finder in self.finders:
            candidates = finder.candidates(name)
            if candidates is None:
                found = finder.find(name)
                if found is not None:
                    return self._read(name, str(found), shadows, kind="opaque")
                opaque = True
                continue
            for candidate, root in candidates:
                path = str(candidate)
                kind = examine_candidate(path, root, follow_symlinks=self.follow_symlinks)
                if kind is Candidate.MISSING:
                    shadows.append(path)
                elif kind is Candidate.FOLDER:
                    return Source(name, "folder", path, shadows=tuple(shadows), settled=not opaque)
                elif kind is Candidate.SERVABLE:
                    return self._read(name, path, shadows, kind="file", opaque=opaque)
        return Source(name, "missing", shadows=tuple(shadows), settled=not opaque)

    def _read(
        self, name: str, path: str, shadows: list[str], *, kind: Kind, opaque: bool = False
    ) -> Source:
        try:
            with open(path, "rb", buffering=0) as handle:
                before = os.fstat(handle.fileno())
                keep = is_adjustable(name) or before.st_size <= KEEP_BYTES
                data: bytes | None
                if keep:
                    data = handle.read()
                    digest = file_hash(data)
                else:
                    data = None
                    md5 = hashlib.md5(usedforsecurity=False)
                    while chunk := handle.read(_CHUNK):
                        md5.update(chunk)
                    digest = md5.hexdigest()[:HASH_LENGTH]
                after = os.fstat(handle.fileno())
        except (OSError, ValueError):
            return Source(name, "missing", shadows=tuple(shadows))
        newest = max(before.st_mtime_ns, before.st_ctime_ns)
        settled = (
            kind == "file"
            and not opaque
            and version_of(before) == version_of(after)
            and time.time_ns() - newest > RACY_NS
        )
        refs = (
            referenced_locations(
                name, data, static_url=self.static_path, js_imports=self.js_imports
            )
            if data is not None
            else ()
        )
        return Source(
            name,
            kind,
            path,
            version_of(before),
            tuple(shadows),
            data,
            digest,
            settled,
            tuple(ref for ref in refs if ref != name),
        )


def _deps(name: str, closure: dict[str, Source]) -> tuple[Source, ...]:
    """``name``'s own closure within a larger one: what its answer depends on."""
    seen: dict[str, Source] = {}
    pending = [name]
    while pending:
        location = pending.pop()
        if location in seen:
            continue
        source = seen[location] = closure[location]
        pending.extend(source.refs)
    return tuple(seen.values())


def _stats_unchanged(named: Named) -> bool:
    """The common case of ``_unchanged`` for every dependency, in one tight loop: each
    file settled and with its stat identity, each missing candidate still missing.
    ``False`` means "check one by one" (a page's static() checks a thousand files)."""
    if named.checks is None:
        return False
    files, absent = named.checks
    stat = os.stat
    try:
        for path, version in files:
            st = stat(path)
            if (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns) != version:
                return False
    except (OSError, ValueError):
        return False
    for path in absent:
        try:
            stat(path)
        except (OSError, ValueError):
            continue
        return False
    return True


def _checks(
    deps: tuple[Source, ...],
) -> tuple[tuple[tuple[str, Version], ...], tuple[str, ...]] | None:
    """The (path, version) pairs and absent paths of ``deps``, or ``None`` when one
    cannot be judged by ``stat`` alone (not settled, a folder, an opaque finder)."""
    files: list[tuple[str, Version]] = []
    absent: list[str] = []
    for dep in deps:
        if not dep.settled or dep.kind not in ("file", "missing"):
            return None
        absent.extend(dep.shadows)
        if dep.kind == "file":
            assert dep.path is not None and dep.version is not None
            files.append((dep.path, dep.version))
    return tuple(files), tuple(absent)


def _same(a: Source, b: Source) -> bool:
    return a is b or (
        a.kind == b.kind
        and a.path == b.path
        and a.version == b.version
        and a.digest == b.digest
        and a.shadows == b.shadows
    )


def _exists(path: str) -> bool:
    try:
        os.stat(path)
    except (OSError, ValueError):
        return False
    return True


def _fresh(error: HashedNameError | MissingReferenceError) -> ValueError:
    """A new exception with the same message (raising one object twice chains tracebacks)."""
    if isinstance(error, MissingReferenceError):
        return MissingReferenceError(error.reference)
    return HashedNameError(str(error))


# -- configuration -----------------------------------------------------------------------


def hashed_urls_enabled(settings: Settings) -> bool:
    """``hashed_urls`` when set; else whether the configured storage keeps a manifest."""
    if settings.hashed_urls is not None:
        return settings.hashed_urls
    from devstatic.storage.manifest import ManifestFilesMixin

    return issubclass(storage_class(settings), ManifestFilesMixin)


def _options(settings: Settings) -> ManifestOptions:
    """The manifest options as collectstatic reads them (``storage-options``)."""
    return ManifestOptions.of(settings.storage_options)


_registry_lock = threading.Lock()
_registry: dict[tuple[object, ...], HashedNames] = {}
#: How many configurations keep their names at once (tests build many).
MAX_CONFIGURATIONS = 16


def _fingerprint(settings: Settings) -> tuple[object, ...]:
    """What decides the names: a template's ``Settings.load()`` and the middleware's own
    settings share one ``HashedNames`` when they agree on all of it."""
    return (
        settings.static_path,
        tuple(str(d) for d in settings.dirs),
        tuple(settings.packages),
        tuple(settings.finders),
        settings.storage,
        repr(sorted(settings.storage_options.items())),
        tuple(settings.ignore_patterns),
        settings.follow_symlinks,
    )


def names_for(settings: Settings) -> HashedNames:
    """The ``HashedNames`` of this configuration, shared by ``static()`` and the middleware."""
    key = _fingerprint(settings)
    with _registry_lock:
        names = _registry.get(key)
        if names is None:
            options = _options(settings)
            names = HashedNames(
                get_finders(settings),
                static_path=settings.static_path,
                js_imports=options.rewrite_js_imports,
                strict=options.strict,
                follow_symlinks=settings.follow_symlinks,
                pre_hashed=options.pre_hashed,
            )
            if len(_registry) >= MAX_CONFIGURATIONS:
                _registry.pop(next(iter(_registry)))
            _registry[key] = names
        return names


def development_url(name: str, settings: Settings) -> str:
    """``static()`` in development with hashed URLs: built as the manifest storage's
    ``url()`` builds it (a ``?query`` or ``#fragment`` is kept after the hashed name)."""
    parts = urlsplit(name)
    suffix = (f"?{parts.query}" if parts.query else "") + (
        f"#{parts.fragment}" if parts.fragment else ""
    )
    hashed = names_for(settings).hashed_name(parts.path)
    return settings.static_url + quote(hashed) + suffix
