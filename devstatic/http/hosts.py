"""The Host allow-list: which names the middleware answers, against DNS rebinding.

A page on ``attacker.test`` can make its own name resolve to 127.0.0.1 and then read
the dev server as same-origin (CVE-2025-24010 in Vite). The browser still sends
``Host: attacker.test``, so refusing names we do not know closes the hole. Names that
cannot be rebound are always allowed: ``localhost``, ``*.localhost`` (RFC 6761 keeps
them on loopback, and browsers resolve them there themselves) and IP literals.

Pure functions over plain values; the rules follow Django's ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence

#: Django's ``host_validation_re``: a name, or an IPv6 literal in brackets, then a port.
_HOST = re.compile(rb"([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]+))?")

#: Always allowed, in Django's pattern syntax (a leading dot: the domain and its subdomains).
ALWAYS_ALLOWED: tuple[str, ...] = ("localhost", ".localhost")


def split_host(host: bytes) -> str | None:
    """The lowercase name of a ``Host`` value, port and one trailing dot removed.

    ``None`` when the value is not a host name or bracketed IPv6 literal with an optional
    port (as Django's ``split_domain_port``): such a value matches nothing.
    """
    match = _HOST.fullmatch(host.lower())
    if match is None:
        return None
    name = match.group(1).decode("ascii")
    return name.removesuffix(".") or None


def is_ip_literal(name: str) -> bool:
    """Whether ``name`` is an IPv4 address or a bracketed IPv6 address (no DNS involved)."""
    if name.startswith("["):
        address = name[1:-1]
    elif ":" in name:
        return False
    else:
        address = name
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def matches(name: str, pattern: str) -> bool:
    """Django's ``is_same_domain``: ``pattern`` is a name or ``.domain`` (and subdomains)."""
    if pattern.startswith("."):
        return name.endswith(pattern) or name == pattern[1:]
    return name == pattern


def host_allowed(host: bytes, allowed_hosts: Sequence[str]) -> bool:
    """Whether a request for the raw ``Host`` value ``host`` may be answered.

    ``allowed_hosts`` holds the user's lowercase patterns (``"*"`` allows everything).
    Never raises, whatever the bytes.
    """
    if "*" in allowed_hosts:
        return True
    name = split_host(host)
    if name is None:
        return False
    if is_ip_literal(name):
        return True
    return any(matches(name, pattern) for pattern in (*ALWAYS_ALLOWED, *allowed_hosts))


def request_host(
    headers: Iterable[tuple[bytes, bytes]], server: Sequence[object] | None
) -> bytes | None:
    """The ``Host`` a request names: its header, else the scope's ``server`` address.

    Several ``Host`` headers (which RFC 9112 section 3.2 forbids) are joined with ``,``
    so that the whole never matches. ``None`` when neither names a host: only an
    in-process caller builds such a request, never a browser.
    """
    found: bytes | None = None
    for name, value in headers:
        # ASGI servers send lowercase names; the length test keeps the check for one
        # that does not off the hot path (this runs for every request we answer).
        if name == b"host" or (len(name) == 4 and name.lower() == b"host"):
            found = value if found is None else found + b"," + value
    if found:
        return found
    if not server or not isinstance(server[0], str):
        return None
    address = server[0]
    if "/" in address:  # a Unix socket's path names no host
        return None
    port = server[1] if len(server) > 1 else None
    if ":" in address:
        address = f"[{address}]"
    suffix = f":{port}" if isinstance(port, int) else ""
    return (address + suffix).encode("utf-8", "replace")


def display_host(host: bytes) -> str:
    """``host`` as printable text for a message: at most 100 characters, escapes shown."""
    text = host.decode("latin-1")
    shown = "".join(c if c.isprintable() and c.isascii() else repr(c)[1:-1] for c in text)
    return shown[:100] + ("..." if len(shown) > 100 else "")


#: An ``allowed_hosts`` entry once lowercased: a name (a leading dot for its subdomains)
#: or a bracketed IPv6 literal.
_PATTERN = re.compile(r"\.?[a-z0-9-]+(\.[a-z0-9-]+)*|\[[a-f0-9]*:[a-f0-9.:]+\]")


def check_allowed_hosts(value: object, problems: list[str]) -> tuple[str, ...]:
    """``allowed_hosts`` lowercased, one trailing dot removed; a line per bad entry.

    Each message names the entry and what to write instead, as Django users write
    ``ALLOWED_HOSTS`` and Vite users ``allowedHosts``.
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        example = value if isinstance(value, str) else "myhost.test"
        problems.append(
            f"allowed_hosts must be a list of host names, e.g. allowed-hosts = [{example!r}], "
            f"not {value!r}."
        )
        return ()
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            problems.append(
                f"allowed_hosts entry {item!r} must be a host name such as 'myhost.test', "
                "'.example.test' (with its subdomains) or '*' (any host)."
            )
            continue
        pattern = item.strip().lower()
        if pattern != "*":
            pattern = pattern.removesuffix(".")
        if pattern == "*" or _PATTERN.fullmatch(pattern):
            out.append(pattern)
            continue
        problems.append(f"allowed_hosts entry {item!r} is not a host name: {_fix(pattern)}.")
    return tuple(out)


def _fix(pattern: str) -> str:
    """What to write instead of a bad ``allowed_hosts`` entry."""
    if pattern.startswith("*."):
        return f"write {pattern[1:]!r} for {pattern[2:]} and its subdomains"
    host = pattern.split("://", 1)[-1].split("/", 1)[0].split("@")[-1]
    bracketed = host.startswith("[")
    host = host.split("]", 1)[0] + "]" if bracketed else host.split(":", 1)[0]
    if host != pattern and _PATTERN.fullmatch(host):
        return f"write {host!r} (no scheme, port or path)"
    return "write a name such as 'myhost.test', or '.example.test' for a domain and its subdomains"


def refusal_text(host: bytes) -> str:
    """The 403 body for a refused ``host``: which host, why, and the setting to change."""
    name = split_host(host)
    entry = f'"{name}"' if name is not None else '"the-host-name"'
    return (
        f"403 Forbidden: devstatic does not answer for the host '{display_host(host)}'.\n"
        "It answers localhost, *.localhost, IP addresses and the hosts in allowed-hosts only, "
        "so that no website can read your files through DNS rebinding.\n"
        "To allow this host, add it in pyproject.toml:\n"
        "  [tool.devstatic]\n"
        f"  allowed-hosts = [{entry}]\n"
        f"(or pass allowed_hosts=[{entry}]; Settings.from_django() reads ALLOWED_HOSTS)\n"
    )
