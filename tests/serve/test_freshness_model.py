"""A model of the disk: every memo of the serving path against a reference with none.

A Hypothesis state machine walks a real tree of two finder roots through the operations
that break caches (writes in place and atomic replaces, same-size rewrites inside and
after the racy window, deletes, siblings appearing and vanishing, symlinks inside and
out of a root, hard links written through their other name, new and renamed folders,
``chmod 000``, a file replaced by a directory). After every step each name is asked for
with several ``Accept-Encoding``, ``If-None-Match`` and ``Range`` values, twice, and
each answer must be what ``Reference`` (plain Python reading the disk afresh, no cache)
predicts: status, ``Content-Encoding``, ``Vary`` and body; and an ETag that changes
exactly when the bytes do.

The racy window is moved without sleeping: the resolver's clock is frozen by the test,
and after every round of answers ``tick`` sets it a window's length past the newest
file-system timestamp: what was written before is settled (and kept by every memo),
what the next step writes is racy.

Permissions must matter, so as root (CI) each walk runs in a child pytest started by
``setpriv`` without the two capabilities that bypass file modes.

``DEVSTATIC_MODEL_STEPS=2000`` walks (at least) that many steps per walk instead, with
no time limit on the child; give pytest ``--timeout=0`` too. The default keeps the
file under 90 s.
"""

from __future__ import annotations

import mmap
import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

import anyio.from_thread
import httpx
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from support.servers import require_program, run_uvicorn

from devstatic import Settings, StaticFilesMiddleware
from devstatic.serve.resolver import RACY_NS, Resolver

HERE = Path(__file__).parent
#: Where operations happen (a folder's files come and go with ``new``/renamed folders).
TARGETS = ("a.css", "a.css.br", "a.css.gz", "sub/c.css", "sub/c.css.gz", "b.png", "b.png.gz")
#: The tree each example starts from: ``(root, path)``.
INITIAL = ((0, "a.css"), (0, "a.css.gz"), (0, "b.png"), (1, "a.css"), (1, "a.css.br"),
           (1, "sub/c.css"))  # fmt: skip
#: Requested after every step (``a.css.br`` is also a name of its own).
NAMES = ("a.css", "a.css.br", "b.png", "sub/c.css", "new/c.css")
ACCEPTS = (None, "gzip", "br, gzip")
RANGE = "bytes=1-2"
SIBLINGS = (("br", ".br"), ("gzip", ".gz"))
INNER = "DEVSTATIC_MODEL_INNER"
#: Linux's clock id for the coarse clock that stamps most file changes.
CLOCK_REALTIME_COARSE = 5
STEPS = int(os.environ.get("DEVSTATIC_MODEL_STEPS", "0"))

roots_ = st.sampled_from((0, 0, 1))  # the first root wins more often
spots = st.sampled_from(TARGETS)
contents = st.binary(max_size=5)


class Answer(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes


Fetch = Callable[[Sequence[tuple[str, dict[str, str]]]], list[Answer]]
Environment = tuple[Path, Fetch, Callable[[int], None], Callable[[], None]]


class Reference:
    """What the contract says each name serves, read from the disk each time."""

    def __init__(self, roots: Sequence[Path], *, follow_symlinks: bool) -> None:
        self.roots = roots
        self.follow_symlinks = follow_symlinks

    def usable(self, path: str, root: Path) -> bytes | None:
        """A regular, readable file inside ``root`` (unless symlinks may leave it)."""
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):
                return None
        except OSError:
            return None
        real_root = os.path.realpath(root) + os.sep
        if not self.follow_symlinks and not os.path.realpath(path).startswith(real_root):
            return None
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except OSError:
            return None

    def find(self, name: str) -> tuple[bytes, dict[str, bytes]] | None:
        """The first usable candidate and its usable siblings (a stylesheet's only)."""
        for root in self.roots:
            path = os.path.join(root, name)
            data = self.usable(path, root)
            if data is None:
                continue
            siblings: dict[str, bytes] = {}
            if name.endswith(".css"):
                for coding, suffix in SIBLINGS:
                    sibling = self.usable(path + suffix, root)
                    if sibling is not None:
                        siblings[coding] = sibling
            return data, siblings
        return None


def accepted(accept: str | None) -> tuple[str, ...]:
    return () if accept is None else tuple(c.strip() for c in accept.split(","))


class DiskWalk(RuleBasedStateMachine):
    """The walk; a subclass sets how requests are made (``fetcher``) and the settings."""

    follow_symlinks: ClassVar[bool] = False
    watch: ClassVar[bool] = True
    #: ``(base folder, how to fetch, how to set the clock, how to end)``, set by the test.
    environment: ClassVar[Callable[[], Environment]]

    def __init__(self) -> None:
        super().__init__()
        self.base, self.fetch, self.set_clock, self.end = self.environment()
        self.roots = [self.base / "first", self.base / "second"]
        self.elsewhere = self.base / "elsewhere"
        self.probe = self.base / "clock-probe"
        self.reference = Reference(self.roots, follow_symlinks=self.follow_symlinks)
        #: ETag -> bytes and bytes -> ETag, over the whole walk.
        self.bytes_of: dict[str, bytes] = {}
        self.etag_of: dict[bytes, str] = {}
        #: The last ETag answered for (name, Accept-Encoding): sent as If-None-Match.
        self.last_etag: dict[tuple[str, str | None], str] = {}
        self.links = 0

    def teardown(self) -> None:
        self.end()

    # -- the tree ---------------------------------------------------------------------

    @initialize(data=st.lists(contents, min_size=len(INITIAL), max_size=len(INITIAL)))
    def first_tree(self, data: list[bytes]) -> None:
        for folder in (*self.roots, self.elsewhere):
            folder.mkdir(exist_ok=True)
            for child in folder.iterdir():
                remove(child)
        for (root, spot), content in zip(INITIAL, data, strict=True):
            self.write_in_place(root, spot, content)
        self.probe.touch()
        self.set_clock(0)  # every file is racy until the first tick

    def path(self, root: int, spot: str) -> Path:
        return self.roots[root] / spot

    def other_file(self, folder: Path, data: bytes) -> Path:
        self.links += 1
        path = folder / f"t{self.links}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    @rule(root=roots_, spot=spots, data=contents)
    def write_in_place(self, root: int, spot: str, data: bytes) -> None:
        path = self.path(root, spot)
        if path.is_dir():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "wb") as handle:  # same inode (through a symlink too)
                handle.write(data)
        except PermissionError:
            pass  # chmod 000 (and no capability to override it)

    @rule(root=roots_, spot=spots, data=contents)
    def replace_atomically(self, root: int, spot: str, data: bytes) -> None:
        path = self.path(root, spot)
        if path.is_dir() and not path.is_symlink():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.parent / ".incoming"
        temporary.write_bytes(data)
        os.replace(temporary, path)

    @rule(root=roots_, spot=spots)
    def rewrite_same_size_in_racy_window(self, root: int, spot: str) -> None:
        """Same size, mtime put back, maybe in the clock tick of the last read: only the
        racy-window check can tell, and the file is racy (written since the last tick)."""
        path = self.path(root, spot)
        self.write_in_place(root, spot, b"racy")
        self.check_every_answer()
        rewrite_same_size(path)

    @rule(root=roots_, spot=spots, data=st.binary(min_size=1, max_size=5))
    def write_through_a_mapping(self, root: int, spot: str, data: bytes) -> None:
        """A shared mapping of a file written since the last tick: its writes raise no
        inotify event while mapped, so only the racy-window check can see them."""
        self.write_in_place(root, spot, data)
        try:
            handle = open(self.path(root, spot), "r+b")  # noqa: SIM115 - closed below
        except OSError:
            return  # a directory, or chmod 000
        with handle:
            if os.fstat(handle.fileno()).st_size == 0:
                return
            with mmap.mmap(handle.fileno(), 0) as mapped:
                self.check_every_answer()
                mapped[:] = bytes(b ^ 0x20 for b in mapped[:])
                self.check_every_answer()

    @rule(root=roots_, spot=spots)
    def rewrite_same_size_after_racy_window(self, root: int, spot: str) -> None:
        """Settled and served (so kept), then rewritten: size and mtime the same."""
        rewrite_same_size(self.path(root, spot))

    @rule(root=roots_, spot=spots)
    def delete(self, root: int, spot: str) -> None:
        remove(self.path(root, spot))

    @rule(root=roots_, spot=spots, data=contents, inside=st.booleans(), then=contents)
    def symlink(self, root: int, spot: str, data: bytes, inside: bool, then: bytes) -> None:
        """A link to a new file inside the same root, or outside every root; once kept,
        that file is written in place."""
        folder = self.roots[root] / "lib" if inside else self.elsewhere
        linked = self.other_file(folder, data)
        path = self.path(root, spot)
        remove(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(linked)
        self.serve_settled()
        write_over(linked, then)

    @rule(root=roots_, spot=spots, data=contents, then=contents)
    def hard_link(self, root: int, spot: str, data: bytes, then: bytes) -> None:
        """A second name outside every root; once kept, written through that other
        name: no event in a watched folder."""
        linked = self.other_file(self.elsewhere, data)
        path = self.path(root, spot)
        remove(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.link(linked, path)
        self.serve_settled()
        write_over(linked, then)

    @rule(data=contents)
    def write_through_other_name(self, data: bytes) -> None:
        """In place, outside every root: no event in a watched folder."""
        for other in sorted(self.elsewhere.iterdir()):
            write_over(other, data)

    @rule(root=roots_, data=contents)
    def new_folder_with_files(self, root: int, data: bytes) -> None:
        folder = self.roots[root] / "new"
        if folder.exists() or folder.is_symlink():
            return
        folder.mkdir()
        (folder / "c.css").write_bytes(data)
        (folder / "c.css.gz").write_bytes(data[::-1])

    @rule(root=roots_)
    def rename_folder(self, root: int) -> None:
        sub, new = self.roots[root] / "sub", self.roots[root] / "new"
        if sub.exists() and not new.exists():
            sub.rename(new)
        elif new.exists() and not sub.exists():
            new.rename(sub)

    @rule(root=roots_, spot=spots, readable=st.booleans())
    def chmod(self, root: int, spot: str, readable: bool) -> None:
        path = self.path(root, spot)
        if path.is_file():
            os.chmod(path, 0o644 if readable else 0)

    @rule(root=roots_, spot=spots)
    def replace_with_directory(self, root: int, spot: str) -> None:
        path = self.path(root, spot)
        remove(path)
        path.mkdir(parents=True)
        (path / "inside.css").write_bytes(b"not me")

    def tick(self) -> None:
        """Time passes: what exists now is settled, what is written next is racy."""
        os.utime(self.probe)
        newest = self.probe.stat().st_ctime_ns
        # Wait (a few ms) until a later write's ctime is past ``newest``: a file stat'ed
        # since its last change gets a fine-grained stamp, any other the coarse clock's,
        # which lags up to a tick behind (Linux multigrain timestamps).
        while self.probe.stat().st_ctime_ns <= newest:
            os.utime(self.probe)
        while sys.platform == "linux" and time.clock_gettime_ns(CLOCK_REALTIME_COARSE) <= newest:
            pass
        self.set_clock(newest + RACY_NS + 1)

    # -- the answers ------------------------------------------------------------------

    def serve_settled(self) -> None:
        """Answer everything once racy, then once settled (so every memo keeps it)."""
        self.check_every_answer()
        self.check_every_answer()

    @invariant()
    def check_every_answer(self) -> None:
        asked: list[tuple[str, dict[str, str]]] = []
        for name in NAMES:
            for accept in ACCEPTS:
                etag = self.last_etag.get((name, accept))
                for extra in (
                    {},
                    {"range": RANGE},
                    {"if-none-match": etag},
                    {"if-none-match": etag, "range": RANGE},
                ):
                    headers = {"accept-encoding": accept, **extra}
                    sent = {k: v for k, v in headers.items() if v is not None}
                    asked += [(name, sent), (name, sent)]
        answers = self.fetch(asked)
        # The disk does not change while the answers are compared.
        found = {name: self.reference.find(name) for name in NAMES}
        for (name, headers), answer in zip(asked, answers, strict=True):
            self.compare(name, found[name], headers, answer)
        # Edits are seconds apart: the next step starts with everything settled (and
        # kept), and only what it writes is racy.
        self.tick()

    def compare(
        self,
        name: str,
        found: tuple[bytes, dict[str, bytes]] | None,
        headers: dict[str, str],
        answer: Answer,
    ) -> None:
        where = f"{name} {headers}: {answer}"
        if found is None:
            assert answer.status == 404, where
            return
        plain, siblings = found
        accept = headers.get("accept-encoding")
        coding = next((c for c, _ in SIBLINGS if c in siblings and c in accepted(accept)), None)
        body = plain if coding is None else siblings[coding]
        etag = answer.headers.get("etag")
        vary = "Accept-Encoding" if siblings else None
        assert answer.headers.get("vary") == vary, where
        if "if-none-match" in headers and self.bytes_of.get(headers["if-none-match"]) == body:
            assert (answer.status, answer.body, etag) == (304, b"", headers["if-none-match"]), where
            return
        if "range" in headers:
            if len(body) <= 1:
                assert (answer.status, answer.body) == (416, b""), where
                return
            assert (answer.status, answer.body) == (206, body[1:3]), where
        else:
            assert (answer.status, answer.body) == (200, body), where
        assert answer.headers.get("content-encoding") == coding, where
        assert etag is not None, where
        assert self.bytes_of.setdefault(etag, body) == body, f"one ETag, two bodies: {where}"
        assert self.etag_of.setdefault(body, etag) == etag, f"same bytes, new ETag: {where}"
        self.last_etag[name, accept] = etag


def rewrite_same_size(path: Path) -> None:
    """Other bytes of the same length, with the old mtime put back."""
    try:
        before = path.stat()
        if not stat.S_ISREG(before.st_mode) or before.st_size == 0:
            return
        data = path.read_bytes()
        with open(path, "r+b") as handle:
            handle.write(bytes(b ^ 0x20 for b in data))
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    except OSError:
        pass  # gone, or chmod 000


def write_over(path: Path, data: bytes) -> None:
    """In place: the same inode, whatever other names it has."""
    try:
        with open(path, "r+b") as handle:
            handle.truncate(0)
            handle.write(data)
    except OSError:
        pass  # chmod 000


def remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def walk_settings(examples: int, steps: int) -> settings:
    if STEPS:
        examples = max(examples, STEPS // steps)
    return settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        # No shrinking: each step makes ~120 requests, so it would outlast the test's
        # timeout; the failing walk is printed step by step as found.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        print_blob=False,
    )


# -- how requests are made -----------------------------------------------------------


async def asgi_get(app: StaticFilesMiddleware, name: str, headers: dict[str, str]) -> Answer:
    path = f"/static/{name}"
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1234),
    }  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    found = {k.decode(): v.decode() for k, v in start["headers"]}
    return Answer(start["status"], found, b"".join(m.get("body", b"") for m in sent[1:]))


def in_process(walk: type[DiskWalk], stack: ExitStack, base: Path) -> None:
    """Each example gets its own middleware, called in one event loop."""
    portal = stack.enter_context(anyio.from_thread.start_blocking_portal())
    count = iter(range(1_000_000))

    def environment() -> Environment:
        folder = base / f"walk{next(count)}"
        roots = [folder / "first", folder / "second"]
        for root in roots:
            root.mkdir(parents=True)
        app = StaticFilesMiddleware(
            lambda *args: None,  # type: ignore[arg-type, return-value]
            settings=Settings(
                dirs=roots, debug=True, live_reload=False, follow_symlinks=walk.follow_symlinks
            ),
        )
        # ``watch=False`` is what ``DEVSTATIC_INOTIFY=0`` gives: every hit checked by ``stat``.
        app.resolver = Resolver(app.finders, follow_symlinks=walk.follow_symlinks, watch=walk.watch)
        clock = [0]
        app.resolver.clock = lambda: clock[0]

        def set_clock(now: int) -> None:
            clock[0] = now

        async def get_all(asked: Sequence[tuple[str, dict[str, str]]]) -> list[Answer]:
            return [await asgi_get(app, name, headers) for name, headers in asked]

        def fetch(asked: Sequence[tuple[str, dict[str, str]]]) -> list[Answer]:
            return portal.call(get_all, asked)

        return folder, fetch, set_clock, app.resolver.close

    walk.environment = staticmethod(environment)


def through_uvicorn(walk: type[DiskWalk], stack: ExitStack, base: Path) -> None:
    """One real server for the whole walk; each example empties its roots first."""
    roots = [base / "first", base / "second"]
    for root in roots:
        root.mkdir()
    clock_file = base / "clock"
    clock_file.write_text("0")
    env = {"DEVSTATIC_MODEL_ROOTS": os.pathsep.join(map(str, roots)),
           "DEVSTATIC_MODEL_CLOCK": str(clock_file)}  # fmt: skip
    url = stack.enter_context(run_uvicorn("model_app:app", cwd=HERE, env=env))
    client = stack.enter_context(httpx.Client(base_url=url, timeout=10))

    def fetch(asked: Sequence[tuple[str, dict[str, str]]]) -> list[Answer]:
        answers = []
        for name, headers in asked:
            request = client.build_request("GET", f"/static/{name}", headers=headers)
            if "accept-encoding" not in headers:
                del request.headers["accept-encoding"]  # httpx's default
            response = client.send(request, stream=True)
            body = b"".join(response.iter_raw())
            response.close()
            answers.append(Answer(response.status_code, dict(response.headers), body))
        return answers

    def set_clock(now: int) -> None:
        clock_file.write_text(str(now))

    walk.environment = staticmethod(lambda: (base, fetch, set_clock, lambda: None))


# -- the walks -----------------------------------------------------------------------

WALKS: dict[str, tuple[Callable[..., None], bool, bool, int, int]] = {
    # name: (how requests are made, watch, follow_symlinks, examples, steps)
    "inotify": (in_process, True, False, 8, 25),
    "stat": (in_process, False, False, 5, 25),
    "inotify-follow-symlinks": (in_process, True, True, 3, 25),
    "uvicorn": (through_uvicorn, True, False, 2, 12),
}


def under_dropped_capabilities(test_id: str) -> bool:
    """As root, run ``test_id`` again in a child whose root cannot bypass file modes
    (``chmod 000`` must matter); True when the child ran it."""
    if os.geteuid() != 0 or os.environ.get(INNER):
        return False
    setpriv = require_program("setpriv", "/usr/bin/setpriv")
    caps = "-dac_override,-dac_read_search"
    pytest_args = [f"{__file__}::{test_id}", "-q", "-p", "no:randomly", "-x"]
    if STEPS:
        pytest_args.append("--timeout=0")
    command = [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}", "--",
               sys.executable, "-m", "pytest", *pytest_args]  # fmt: skip
    child = subprocess.run(
        command, cwd=os.getcwd(), env={**os.environ, INNER: "1"},
        capture_output=True, text=True, timeout=None if STEPS else 110,
    )  # fmt: skip
    assert child.returncode == 0, child.stdout[-6000:] + child.stderr[-2000:]
    assert " passed" in child.stdout, child.stdout
    return True


@pytest.mark.parametrize("walk_name", list(WALKS))
def test_every_answer_matches_a_fresh_read_of_the_disk(walk_name: str, tmp_path: Path) -> None:
    if under_dropped_capabilities(
        f"test_every_answer_matches_a_fresh_read_of_the_disk[{walk_name}]"
    ):
        return
    if walk_name.startswith("inotify") and not sys.platform.startswith("linux"):
        pytest.skip("inotify is Linux's")
    assert permissions_matter(tmp_path), "chmod 000 would change nothing"
    how, watch, follow, examples, steps = WALKS[walk_name]
    walk = type(f"Walk_{walk_name}", (DiskWalk,), {"watch": watch, "follow_symlinks": follow})
    with ExitStack() as stack:
        stack.callback(make_removable, tmp_path)
        how(walk, stack, tmp_path)
        run_state_machine_as_test(walk, settings=walk_settings(examples, steps))


def permissions_matter(folder: Path) -> bool:
    locked = folder / "locked"
    locked.write_bytes(b"x")
    locked.chmod(0)
    try:
        locked.read_bytes()
    except PermissionError:
        return True
    finally:
        locked.unlink()
    return False


def make_removable(folder: Path) -> None:
    """``chmod 000`` files and folders would stop pytest's clean-up."""
    for path in folder.rglob("*"):
        if not path.is_symlink():
            os.chmod(path, 0o755)
