"""Live reload events carry the new hashed URLs of what changed and of what refers to it."""

from __future__ import annotations

from pathlib import Path

import anyio
from hashed_helpers import settings_for, write_tree

from devstatic import StaticFilesMiddleware, static
from devstatic.livereload.events import format_event


async def _app(scope: object, receive: object, send: object) -> None:
    raise AssertionError("not reached")


def test_an_event_carries_urls_only_when_given() -> None:
    assert format_event(["a.css"]) == b'data: {"paths": ["a.css"]}\n\n'
    assert format_event(["a.css"], {"a.css": "/static/a.0123456789ab.css"}) == (
        b'data: {"paths": ["a.css"], "urls": {"a.css": "/static/a.0123456789ab.css"}}\n\n'
    )


async def test_an_event_names_the_new_urls_of_the_changed_file_and_the_files_it_renames(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path / "static",
        {
            "css/app.css": '@import "base.css";\n',
            "css/base.css": "h1 { color: red }\n",
            "css/other.css": "p { color: red }\n",
        },
    )
    settings = settings_for(tmp_path, live_reload=True)
    middleware = StaticFilesMiddleware(_app, settings=settings)
    assert middleware.hashed is not None and middleware.live is not None
    for name in ("css/app.css", "css/other.css"):
        static(name, settings)
    (tmp_path / "static" / "css" / "base.css").write_text("h1 { color: blue }\n")
    with middleware.live.broadcaster.subscribe() as bursts:
        middleware.live.watcher.publish(["css/base.css"])  # what the watcher calls
        with anyio.fail_after(10):
            event = await bursts.receive()
    urls = {
        "css/app.css": static("css/app.css", settings),
        "css/base.css": static("css/base.css", settings),
    }
    assert event == format_event(["css/base.css"], urls)
