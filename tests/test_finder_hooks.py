"""The optional finder methods the built-ins use are declared on ``BaseFinder`` with
defaults, so a custom finder written against the documented four methods keeps
working, and one that offers more gets what the built-ins get."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devstatic import Settings
from devstatic.finders import BaseFinder, FileSystemFinder, Location, PackageFinder
from devstatic.ignore import IgnoreMatcher
from devstatic.livereload.watcher import served_paths, watch_roots
from devstatic.serve.resolver import Resolver


class Documented(BaseFinder):
    """Only the four methods the contract documents, over one folder."""

    root = Path("/srv/documented")

    def find_all(self, path: str) -> list[Path]:
        return []

    def list(self, ignore_patterns: Iterable[str]) -> Iterable[tuple[str, Path]]:
        return []

    def locations(self) -> list[Path]:
        return [self.root]


class WithCandidates(Documented):
    def candidates(self, path: str) -> list[tuple[Path, Path]] | None:
        return [(self.root / path, self.root)]


class SaysNoCandidates(WithCandidates):
    def has_candidates(self) -> bool:
        return False


class Prefixed(Documented):
    def served_locations(self) -> list[Location]:
        return [Location("vendor", self.root)]


def test_a_documented_finder_is_opaque_by_default() -> None:
    finder = Documented(Settings())
    assert finder.candidates("a.css") is None
    assert finder.has_candidates() is False


def test_a_documented_finder_serves_its_locations_at_the_top_by_default() -> None:
    assert Documented(Settings()).served_locations() == [Location("", Documented.root)]


def test_overriding_candidates_declares_them() -> None:
    assert WithCandidates(Settings()).has_candidates() is True


def test_the_resolver_watches_only_finders_that_have_candidates() -> None:
    finders = [Documented(Settings()), WithCandidates(Settings()), SaysNoCandidates(Settings())]
    resolver = Resolver(finders, follow_symlinks=False, watch=False)
    assert resolver.roots() == [WithCandidates.root]


def test_built_in_finders_have_candidates_and_are_watched(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    settings = Settings(dirs=[tmp_path])
    finders = [FileSystemFinder(settings), PackageFinder(settings)]
    assert [f.has_candidates() for f in finders] == [True, True]
    assert Resolver(finders, follow_symlinks=False, watch=False).roots() == [tmp_path]


def test_file_system_finder_serves_dirs_under_their_prefixes(tmp_path: Path) -> None:
    finder = FileSystemFinder(Settings(dirs=[tmp_path / "a", ["vendor", tmp_path / "b"]]))
    assert finder.served_locations() == [
        Location("", tmp_path / "a"),
        Location("vendor", tmp_path / "b"),
    ]


def test_live_reload_names_a_custom_finders_files_by_its_served_locations() -> None:
    roots = watch_roots([Prefixed(Settings())])
    changed = [str(Prefixed.root / "lib" / "x.js")]
    assert served_paths(changed, roots, IgnoreMatcher([])) == ["vendor/lib/x.js"]


@pytest.mark.parametrize(
    ("path", "served"),
    [
        ("/srv/static/css/a.css", "pre/css/a.css"),
        ("/srv/static", None),
        ("/srv/static/", None),
        ("/srv/static-old/a.css", None),
        ("/srv/a.css", None),
    ],
)
def test_a_location_names_only_files_below_its_root(path: str, served: str | None) -> None:
    assert Location("pre", Path("/srv/static")).served(path) == served


segment = st.text(st.characters(min_codepoint=97, max_codepoint=122), min_size=1, max_size=5)


@given(prefix=st.sampled_from(["", "vendor", "a/b"]), parts=st.lists(segment, min_size=1))
def test_served_undoes_candidate(prefix: str, parts: list[str]) -> None:
    location = Location(prefix, Path("/srv/static"))
    name = "/".join([prefix, *parts] if prefix else parts)
    candidate = location.candidate(name)
    assert candidate is not None
    assert location.served(str(candidate)) == name
