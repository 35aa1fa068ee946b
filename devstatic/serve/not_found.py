"""The 404 response; in debug it says where we looked and what you may have meant."""

from __future__ import annotations

import html
from collections.abc import Sequence

from devstatic.disk.blocking import run_blocking
from devstatic.finders import BaseFinder, describe_location
from devstatic.http.decide import RequestInfo, RequestKey
from devstatic.serve.send import Send, send_plain
from devstatic.serve.suggest import close_matches

__all__ = ["NotFound", "close_matches", "debug_body", "wants_html"]


def wants_html(accept: str | None) -> bool:
    """Whether the client accepts HTML (a browser) rather than only text (curl, httpx).

    ``text/html`` or ``application/xhtml+xml`` listed with a q-value above zero; a
    client saying ``text/html;q=0`` has explicitly refused HTML (RFC 9110 section 12.4.2).
    """
    if accept is None:
        return False
    for member in accept.lower().split(","):
        media_type, *parameters = member.split(";")
        if media_type.strip(" \t") not in ("text/html", "application/xhtml+xml"):
            continue
        refused = any(
            name.strip(" \t") == "q" and value.strip(" \t").rstrip("0").rstrip(".") in ("0", "")
            for name, _, value in (p.partition("=") for p in parameters)
        )
        if not refused:
            return True
    return False


def debug_body(
    name: str, finders: Sequence[BaseFinder], suggestions: list[str], *, as_html: bool
) -> bytes:
    """The debug 404 page: the path, each finder with its locations, the close matches."""
    lines = [f"'{name}' could not be found.", "", "Searched, in order:"]
    for finder in finders:
        lines.append(f"  {type(finder).__module__}.{type(finder).__qualname__}")
        locations = finder.locations()
        lines.extend(f"    {describe_location(location)}" for location in locations)
        if not locations:
            lines.append("    (no locations)")
    if suggestions:
        lines += ["", "Did you mean:"] + [f"  {s}" for s in suggestions]
    text = "\n".join(lines) + "\n"
    if not as_html:
        return text.encode()
    page = (
        "<!doctype html><html><head><meta charset=utf-8><title>404 Not Found</title></head>"
        "<body><h1>404 Not Found</h1><pre>" + html.escape(text) + "</pre></body></html>\n"
    )
    return page.encode()


class NotFound:
    """The 404 answer: in debug, the locations searched and close matches; else a bare line."""

    def __init__(
        self, finders: Sequence[BaseFinder], ignore_patterns: Sequence[str], *, debug: bool
    ) -> None:
        self.finders = finders
        self.ignore_patterns = ignore_patterns
        self.debug = debug

    async def send(self, send: Send, name: str, key: RequestKey) -> None:
        """Answer 404 for ``name`` (the path as asked, relative to ``static_url``)."""
        request = RequestInfo.from_key(key)
        head = request.method == "HEAD"
        if not self.debug:
            await send_plain(send, 404, b"Not Found\n", head=head)
            return
        as_html = wants_html(request.accept)
        suggestions = await run_blocking(close_matches, name, self.finders, self.ignore_patterns)
        body = debug_body(name, self.finders, suggestions, as_html=as_html)
        content_type = b"text/html; charset=utf-8" if as_html else b"text/plain; charset=utf-8"
        await send_plain(send, 404, body, content_type=content_type, head=head)
