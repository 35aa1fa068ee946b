"""A refusal that stops the server at startup when a framework builds the middleware late.

Starlette's and FastAPI's ``add_middleware`` do not build the middleware when it is
added: the stack is built inside the app's first call, which is the server's lifespan
call, before ``lifespan.startup`` is received. An ``ImproperlyConfigured`` raised there
makes uvicorn's default ``--lifespan auto`` log "ASGI 'lifespan' protocol appears
unsupported." and go on serving; Starlette then retries the build on every request and
each one answers 500 with a traceback. So when the middleware is built that way, a
refusal becomes this app instead: it answers ``lifespan.startup`` with
``lifespan.startup.failed`` and the message (uvicorn, hypercorn and granian then exit),
and where the server runs no lifespan it answers every request 503 with the message.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from devstatic.exceptions import ConfigProblem, ImproperlyConfigured

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

logger = logging.getLogger("devstatic")

#: The function Starlette and FastAPI build their middleware stack in, at the first call.
LAZY_BUILDERS = frozenset({"build_middleware_stack"})
#: How many callers up to look for it (a subclass's ``__init__`` adds one).
FRAMES = 8


def built_lazily(depth: int = 2) -> bool:
    """Whether the caller ``depth`` frames up is being built inside a server's first call."""
    frame = sys._getframe(depth)
    for _ in range(FRAMES):
        if frame.f_code.co_name in LAZY_BUILDERS:
            return True
        if frame.f_back is None:
            return False
        frame = frame.f_back
    return False


class StartupRefusal:
    """The middleware's stand-in when its configuration is refused: nothing is served.

    ``message`` is the ``ImproperlyConfigured`` text, which says what to change;
    ``problems`` its problems, to raise them again with their keys.
    """

    message: str
    problems: tuple[ConfigProblem, ...]
    logged: bool

    def refuse(self, error: ImproperlyConfigured) -> None:
        self.message = str(error)
        self.problems = error.problems
        self.logged = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            event = await receive()
            if event["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.failed", "message": self.message})
            # As Starlette's router does after a failed startup: the server has the
            # message already and exits; an in-process test client raises this.
            raise ImproperlyConfigured.gather(self.problems)
        if not self.logged:
            # The server ran no lifespan (uvicorn --lifespan off, granian --interface
            # asginl): say it once, then answer each request with the fix.
            logger.error("%s", self.message)
            self.logged = True
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1011, "reason": "devstatic refused"})
            return
        if scope["type"] != "http":
            return
        body = f"{self.message}\n".encode()
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-cache"),
        ]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        head = scope.get("method") == "HEAD"
        await send({"type": "http.response.body", "body": b"" if head else body})
