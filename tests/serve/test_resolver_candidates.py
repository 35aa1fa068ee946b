"""The resolver reads each candidate through the one candidate rule: a missing one is a
shadow to watch, one that is there but refused makes the lookup uncacheable."""

from __future__ import annotations

import os
from pathlib import Path

import anyio

from devstatic import Settings
from devstatic.finders import get_finders
from devstatic.serve.resolver import FileEntry, Resolver


def resolve(settings: Settings, name: str) -> FileEntry | None:
    resolver = Resolver(get_finders(settings), follow_symlinks=False, watch=False)
    return anyio.run(resolver.resolve, name)


def test_a_missing_earlier_candidate_is_a_shadow(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (second / "x.css").write_text("x")
    entry = resolve(Settings(dirs=[first, second]), "x.css")
    assert entry is not None and entry.source == str(second / "x.css")
    assert entry.cacheable
    assert entry.shadows == (str(first / "x.css"),)
    assert entry.absent_siblings == (str(second / "x.css.br"), str(second / "x.css.gz"))


def test_a_folder_in_the_way_makes_the_lookup_uncacheable(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    (first / "x.css").mkdir(parents=True)
    second.mkdir()
    (second / "x.css").write_text("x")
    entry = resolve(Settings(dirs=[first, second]), "x.css")
    assert entry is not None and entry.source == str(second / "x.css")
    assert not entry.cacheable
    assert entry.shadows == ()


def test_a_fifo_is_never_found(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.css")
    settings = Settings(dirs=[tmp_path])
    assert [f.find("pipe.css") for f in get_finders(settings)] == [None, None]
    assert resolve(settings, "pipe.css") is None
