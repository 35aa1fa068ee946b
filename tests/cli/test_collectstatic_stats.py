"""``collect()`` returns what happened per file, the way Django's collect() does."""

from __future__ import annotations

from commands_helpers import Project

from devstatic.collect.collector import CollectOptions, collect, ignore_patterns_for, summary_line
from devstatic.config.settings import Settings
from devstatic.storage.base import get_storage


def settings_of(project: Project, **overrides: object) -> Settings:
    return Settings.load(project.root / "pyproject.toml", **overrides)


def run_collect(settings: Settings, **options: object) -> dict[str, list[str]]:
    storage = get_storage(settings)
    try:
        return collect(settings, storage, options=CollectOptions(**options))  # type: ignore[arg-type]
    finally:
        storage.close()


def test_collect_stats_list_each_outcome(project: Project) -> None:
    settings = settings_of(project)
    stats = run_collect(settings)
    assert stats["copied"] == ["css/base.css", "js/app.js", "vendor/lib.js", "pkg/only.js"]
    assert stats["modified"] == stats["copied"]
    assert stats["skipped"] == ["css/base.css"]
    assert stats["unmodified"] == stats["symlinked"] == stats["deleted"] == []
    assert stats["post_processed"] == []

    project.write("collected/stale.txt", "old")
    again = run_collect(settings, clear=True)
    assert sorted(again["deleted"]) == [
        "css/base.css",
        "js/app.js",
        "pkg/only.js",
        "stale.txt",
        "vendor/lib.js",
    ]
    assert again["copied"] == stats["copied"]

    linked = run_collect(settings, link=True)
    assert linked["symlinked"] == stats["copied"]
    assert linked["modified"] == linked["symlinked"]
    assert linked["copied"] == []

    unchanged = run_collect(settings, link=True)
    assert unchanged["unmodified"] == stats["copied"]


def test_collect_dry_run_reports_without_writing(project: Project) -> None:
    stats = run_collect(settings_of(project), dry_run=True)
    assert len(stats["copied"]) == 4
    assert not project.collected.exists()


def test_ignore_patterns_for_combines_defaults_and_extra(project: Project) -> None:
    settings = settings_of(project)
    assert ignore_patterns_for(settings, ["*.map", "dist/"]) == ("CVS", ".*", "*~", "*.map", "dist")
    assert ignore_patterns_for(settings, ["*.map"], use_defaults=False) == ("*.map",)


def test_summary_line_follows_django_wording() -> None:
    def stats(**counts: int) -> dict[str, list[str]]:
        return {key: ["x"] * n for key, n in counts.items()}

    assert summary_line(
        stats(copied=3, unmodified=1, post_processed=2), link=False, destination="'/abs/root'"
    ) == ("3 static files copied to '/abs/root', 1 unmodified, 2 post-processed.")
    assert summary_line(stats(symlinked=1), link=True, destination="'/r'") == (
        "1 static file symlinked to '/r'."
    )
    assert summary_line(stats(deleted=1, copied=0), link=False, destination=None) == (
        "1 static file deleted, 0 static files copied."
    )
    assert summary_line(stats(deleted=2, copied=2, skipped=3), link=False, destination=None) == (
        "2 static files deleted, 2 static files copied, 3 skipped due to conflict."
    )
