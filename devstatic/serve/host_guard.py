"""The middleware's side of the Host allow-list: check each request, refuse with 403."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from devstatic.http.hosts import display_host, host_allowed, request_host

logger = logging.getLogger("devstatic")

#: Distinct Host values whose verdict is remembered, and the longest one kept.
KNOWN_HOSTS = 256
KNOWN_HOST_BYTES = 255
#: Distinct refused hosts logged before the log memory starts over (a flood of
#: invented names must not grow it).
LOGGED_HOSTS = 1024


class HostGuard:
    """Decides, per request, whether its Host may be answered (``hosts.host_allowed``)."""

    def __init__(self, allowed_hosts: Sequence[str]) -> None:
        self.allowed_hosts = tuple(allowed_hosts)
        self.open = "*" in self.allowed_hosts
        self._known: dict[bytes, bool] = {}
        self._logged: set[bytes] = set()

    def refused(self, scope: Mapping[str, Any]) -> bytes | None:
        """The Host value to refuse this request for, or ``None`` when it may be answered."""
        if self.open:
            return None
        host = request_host(scope.get("headers", ()), scope.get("server"))
        if host is None:
            return None
        verdict = self._known.get(host)
        if verdict is None:
            verdict = host_allowed(host, self.allowed_hosts)
            if len(host) <= KNOWN_HOST_BYTES:
                if len(self._known) >= KNOWN_HOSTS:
                    self._known.clear()
                self._known[host] = verdict
        return None if verdict else host

    def log_refusal(self, host: bytes) -> None:
        """Warn once per host, so a page retrying every second does not flood the log."""
        key = host[:KNOWN_HOST_BYTES]
        if key in self._logged:
            return
        if len(self._logged) >= LOGGED_HOSTS:
            self._logged.clear()
        self._logged.add(key)
        logger.warning(
            "devstatic refused a request for the host '%s': it is not in allowed-hosts "
            "(DNS rebinding guard). If you trust it, add it to allowed-hosts in "
            "[tool.devstatic].",
            display_host(host),
        )
