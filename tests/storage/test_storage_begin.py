"""``Storage.begin``: collectstatic tells the storage every file before the first copy,
so work that needs no copy (listing a bucket, hashing the sources) runs meanwhile.

The manifest layer over a threaded storage starts its hashing pass there; what it
produces, and how a failure in it surfaces, must not differ from a pass run in line.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from test_storage_hooks import Memory

from devstatic import Settings
from devstatic.collect import CollectOptions, collect
from devstatic.collect.collector import TRANSFER_CHUNK
from devstatic.exceptions import StorageError
from devstatic.manifest import process
from devstatic.storage import manifest as manifest_module
from devstatic.storage.manifest import ManifestFilesMixin

#: Bound on every wait below: a broken build fails the test instead of hanging it.
WAIT = 30.0


def make_tree(root: Path) -> Path:
    src = root / "src"
    (src / "css").mkdir(parents=True)
    (src / "js").mkdir()
    (src / "css" / "site.css").write_bytes(b'@import "base.css";\nbody { color: red }\n')
    (src / "css" / "base.css").write_bytes(b"h1 { color: blue }\n")
    (src / "js" / "main.js").write_bytes(b'import { x } from "./lib.js";\nconsole.log(x);\n')
    (src / "js" / "lib.js").write_bytes(b"export const x = 1;\n")
    return src


def _without_history(files: dict[str, bytes]) -> dict[str, bytes]:
    """The stored files but the manifest history (named by the time of the run)."""
    return {k: v for k, v in files.items() if not k.startswith("staticfiles.history/")}


class Recording(Memory):
    """Notes every call collectstatic makes, in order."""

    def __init__(self, settings: Settings, **options: Any) -> None:
        super().__init__(settings, **options)
        self.calls: list[tuple[Any, ...]] = []
        self.lock = threading.Lock()

    def begin(self, found: Any, *, dry_run: bool, post_process: bool) -> None:
        with self.lock:
            self.calls.append(("begin", sorted(found), dry_run, post_process))
        super().begin(found, dry_run=dry_run, post_process=post_process)

    def is_current(self, name: str, source: Path) -> bool:
        with self.lock:
            self.calls.append(("is_current", name))
        return super().is_current(name, source)


class ManifestThreaded(ManifestFilesMixin, Memory):
    """The manifest layer over a storage collectstatic calls from several threads."""

    max_workers = 4


class ManifestInLine(ManifestFilesMixin, Memory):
    """The same, called from one thread: the pass runs in ``post_process``."""

    max_workers = 1


@pytest.mark.parametrize(
    ("options", "dry_run", "post_process"),
    [
        (CollectOptions(), False, True),
        (CollectOptions(dry_run=True), True, True),
        (CollectOptions(post_process=False), False, False),
    ],
    ids=["run", "dry-run", "no-post-process"],
)
def test_begin_gets_every_found_file_before_the_first_copy(
    tmp_path: Path, options: CollectOptions, dry_run: bool, post_process: bool
) -> None:
    settings = Settings(dirs=[make_tree(tmp_path)], debug=False)
    storage = Recording(settings)

    collect(settings, storage, options=options)

    names = ["css/base.css", "css/site.css", "js/lib.js", "js/main.js"]
    assert storage.calls[0] == ("begin", names, dry_run, post_process)
    assert sorted(call[1] for call in storage.calls[1:]) == names


def test_the_manifest_layer_hashes_while_a_threaded_storage_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each copy waits for the hashing pass to have started: without ``begin`` starting
    it, the pass would only start after the last copy, and the copies would time out."""
    hashing = threading.Event()
    original = process.post_process_contents

    def noted(*args: Any, **kwargs: Any) -> process.ProcessResult:
        hashing.set()
        return original(*args, **kwargs)

    monkeypatch.setattr(manifest_module, "post_process_contents", noted)
    seen_during_copies: list[bool] = []

    class Waiting(ManifestThreaded):
        def save(self, name: str, source: Path) -> None:
            seen_during_copies.append(hashing.wait(WAIT))
            super().save(name, source)

    settings = Settings(dirs=[make_tree(tmp_path)], debug=False)
    threaded = Waiting(settings)
    collect(settings, threaded, options=CollectOptions())
    in_line = ManifestInLine(settings)
    collect(settings, in_line, options=CollectOptions())

    assert seen_during_copies == [True] * 4
    manifest = json.loads(threaded.files["staticfiles.json"])
    assert manifest["paths"]["js/main.js"].startswith("js/main.")
    assert _without_history(threaded.files) == _without_history(in_line.files)


def test_a_missing_reference_found_in_the_background_stops_the_run_at_post_processing(
    tmp_path: Path,
) -> None:
    src = make_tree(tmp_path)
    (src / "css" / "site.css").write_bytes(b'body { background: url("gone.png") }\n')
    settings = Settings(dirs=[src], debug=False)
    storage = ManifestThreaded(settings)

    with pytest.raises(StorageError) as caught:
        collect(settings, storage, options=CollectOptions())

    assert str(caught.value).startswith("post-processing stopped: ")
    assert "gone.png" in str(caught.value)
    assert "staticfiles.json" not in storage.files
    assert "css/site.css" in storage.files  # the copies were made, as before


def test_post_process_of_other_files_than_begin_was_given_hashes_those(tmp_path: Path) -> None:
    src = make_tree(tmp_path)
    settings = Settings(dirs=[src], debug=False)
    storage = ManifestThreaded(settings)
    begun = {"css/base.css": src / "css" / "base.css"}
    storage.begin(begun, dry_run=False, post_process=True)

    other = {"js/lib.js": src / "js" / "lib.js"}
    processed = list(storage.post_process(other, dry_run=False))

    assert [name for name, _, _ in processed] == ["js/lib.js"]
    assert [name for name in storage.files if name.startswith("css/")] == []


def test_a_dry_run_hashes_nothing_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(manifest_module, "post_process_contents", lambda *a, **k: calls.append(1))
    settings = Settings(dirs=[make_tree(tmp_path)], debug=False)
    storage = ManifestThreaded(settings)

    collect(settings, storage, options=CollectOptions(dry_run=True))
    collect(settings, storage, options=CollectOptions(post_process=False))

    assert calls == []
    assert storage.files.keys() == {
        "css/base.css",
        "css/site.css",
        "js/lib.js",
        "js/main.js",
    }


def test_a_threaded_copy_that_fails_reports_every_file_before_it_then_names_it(
    tmp_path: Path,
) -> None:
    """Files go to the pool in chunks: a failure inside a chunk still lets the files
    before it, in that chunk and the ones before, be reported first, in order."""
    src = tmp_path / "src"
    src.mkdir()
    names = [f"f{i:03d}.css" for i in range(3 * TRANSFER_CHUNK)]
    for name in names:
        (src / name).write_text(name)
    failing = names[TRANSFER_CHUNK + 3]

    class Failing(Memory):
        max_workers = 4

        def save(self, name: str, source: Path) -> None:
            if name == failing:
                raise OSError(28, "No space left on device")
            super().save(name, source)

    settings = Settings(dirs=[src], debug=False)
    lines: list[str] = []

    with pytest.raises(StorageError) as caught:
        collect(
            settings,
            Failing(settings),
            options=CollectOptions(),
            log=lambda message, level: lines.append(message),
        )

    assert str(caught.value) == f"Failed collecting '{failing}': No space left on device."
    before = names[: names.index(failing)]
    assert lines == [f"Copying '{src / name}'" for name in before]
