"""``static_root`` outside every ``dirs`` folder: one rule for ``devstatic check`` and
collectstatic."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstatic.config.static_root import static_root_in_dirs

STATIC = Path("/p/static")


@pytest.mark.parametrize(
    ("root", "folders", "expected"),
    [
        (
            Path("/p/static/out"),
            [Path("/p/other"), STATIC],
            "'/p/static/out' is inside the dirs folder '/p/static': collected files would "
            "be found again. Pick a static_root outside dirs.",
        ),
        (
            STATIC,
            [STATIC],
            "'/p/static' is the dirs folder '/p/static': collected files would be found "
            "again. Pick a static_root outside dirs.",
        ),
        (Path("/p/static-old"), [STATIC], None),
        (Path("/p/collected"), [STATIC], None),
        (Path("/p"), [STATIC], None),
        (Path("/p/static/out"), [], None),
    ],
)
def test_static_root_in_dirs(root: Path, folders: list[Path], expected: str | None) -> None:
    assert static_root_in_dirs(root, folders) == expected


def test_a_static_root_reached_through_a_symlink_is_inside_too(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "static")
    message = static_root_in_dirs(tmp_path / "link" / "out", [tmp_path / "static"])
    assert message is not None and message.startswith(f"'{tmp_path}/link/out' is inside")
