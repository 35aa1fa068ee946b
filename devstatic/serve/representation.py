"""What a resolved path is made of, and which of its files a request gets.

A ``FileEntry`` (built by the resolver) holds the file as found and its precompressed
siblings, each a ``Representation``; ``choose_representation`` picks one by content
negotiation. Plain and hashed serving both use it, and ``send`` writes a representation's
bytes, so this sits below all three and imports none of them.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

from devstatic.disk.versions import Version
from devstatic.http.decide import Decision, Prepared, Validators
from devstatic.http.encoding import negotiate_encoding

__all__ = ["FileEntry", "Representation", "choose_representation"]


@dataclass(slots=True)
class Representation:
    """One file on disk as we send it: its identity, validators and (if small) its bytes."""

    path: str
    size: int
    version: Version
    etag: str
    mtime: int
    last_modified: str
    content: bytes | None
    settled: bool
    #: Hard links to the file; a write through another link is reported in another folder.
    links: int = 1
    #: Responses already decided for this version, keyed by whoever serves it (plain or
    #: hashed serving: see there).
    decisions: dict[Hashable, Decision | Prepared] = field(default_factory=dict)

    def validators(
        self, *, content_type: str, content_encoding: str | None, vary: bool
    ) -> Validators:
        """What ``decide`` needs of this file, sent as ``content_type`` (coded as
        ``content_encoding``, varying on ``vary``)."""
        return Validators(
            size=self.size,
            etag=self.etag,
            mtime=self.mtime,
            last_modified=self.last_modified,
            content_type=content_type,
            content_encoding=content_encoding,
            vary=vary,
        )


@dataclass(frozen=True, slots=True)
class FileEntry:
    """A resolved served path: every file it was built from and every path that must stay
    absent. Never changed after the lookup: a change on disk makes a new entry."""

    name: str
    source: str
    content_type: str
    plain: Representation
    #: Earlier candidates that were missing; one appearing means a new winner.
    shadows: tuple[str, ...]
    #: False when some path it depends on cannot be validated with ``stat`` (an opaque
    #: custom finder, an earlier candidate or a sibling that exists but is refused).
    cacheable: bool
    compressible: bool
    #: The usable precompressed siblings (``name.br`` / ``name.gz``) by content coding.
    variants: Mapping[str, Representation] = field(default_factory=dict)
    #: Siblings found absent; one appearing changes the answer.
    absent_siblings: tuple[str, ...] = ()
    #: Every path this entry depends on is watched by the change feed.
    watched: bool = False
    #: Whether responses vary on ``Accept-Encoding`` (a sibling can be sent).
    vary: bool = field(init=False)
    #: Reusable at all: cacheable, and every file read had settled (not racy).
    trusted: bool = field(init=False)

    def __post_init__(self) -> None:
        # Derived once: both are read on every request.
        object.__setattr__(self, "vary", bool(self.variants))
        trusted = self.cacheable and all(rep.settled for rep in self.files)
        object.__setattr__(self, "trusted", trusted)

    @property
    def files(self) -> tuple[Representation, ...]:
        """Every file read for this entry: the file, then its siblings."""
        return (self.plain, *self.variants.values())

    @property
    def absent(self) -> tuple[str, ...]:
        """Every path that was missing and must stay so."""
        return self.shadows + self.absent_siblings

    @property
    def content_bytes(self) -> int:
        """Bytes of file content this entry keeps in memory."""
        return sum(len(rep.content) for rep in self.files if rep.content is not None)


def choose_representation(
    entry: FileEntry, accept_encoding: bytes | None
) -> tuple[Representation, str | None]:
    """The plain file or a precompressed sibling the client accepts (``br`` first), and
    its content coding (``None`` for the plain file)."""
    if not entry.vary or accept_encoding is None:
        return entry.plain, None
    chosen = negotiate_encoding(accept_encoding.decode("latin-1"), tuple(entry.variants))
    if chosen is None:
        return entry.plain, None
    return entry.variants[chosen], chosen
