"""The Host allow-list's pure rules (devstatic.http.hosts): table-driven, plus a property."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from devstatic import ImproperlyConfigured, Settings
from devstatic.http.hosts import (
    check_allowed_hosts,
    host_allowed,
    refusal_text,
    request_host,
    split_host,
)

DEFAULT: tuple[str, ...] = ()
USER = ("myhost.test", ".example.test", "[fe80::1]")


@pytest.mark.parametrize(
    ("host", "allowed", "expected"),
    [
        # Always allowed: localhost names and IP literals, whatever the port or case.
        (b"localhost", DEFAULT, True),
        (b"localhost:8000", DEFAULT, True),
        (b"LOCALHOST:8000", DEFAULT, True),
        (b"localhost.", DEFAULT, True),
        (b"localhost.:8000", DEFAULT, True),
        (b"app.localhost:5173", DEFAULT, True),
        (b"a.b.LocalHost", DEFAULT, True),
        (b"127.0.0.1", DEFAULT, True),
        (b"127.0.0.1:8000", DEFAULT, True),
        (b"192.168.1.20:8000", DEFAULT, True),
        (b"[::1]", DEFAULT, True),
        (b"[::1]:8000", DEFAULT, True),
        (b"[::ffff:127.0.0.1]:80", DEFAULT, True),
        (b"[FE80::1]:8000", DEFAULT, True),
        # Names that DNS (and so an attacker) decides are refused by default.
        (b"attacker.test", DEFAULT, False),
        (b"attacker.test:8000", DEFAULT, False),
        (b"localhost.attacker.test", DEFAULT, False),
        (b"notlocalhost", DEFAULT, False),
        (b"evillocalhost", DEFAULT, False),
        (b"testserver", DEFAULT, False),
        (b"127.0.0.1.nip.io", DEFAULT, False),
        (b"1.2.3.4.5", DEFAULT, False),
        (b"999.0.0.1", DEFAULT, False),
        (b"myhost.test", DEFAULT, False),
        # Malformed values match nothing.
        (b"", DEFAULT, False),
        (b".", DEFAULT, False),
        (b"localhost:", DEFAULT, False),
        (b"localhost:80a", DEFAULT, False),
        (b"user@localhost", DEFAULT, False),
        (b"localhost/x", DEFAULT, False),
        (b"localhost, attacker.test", DEFAULT, False),
        (b"::1", DEFAULT, False),
        (b"[::1", DEFAULT, False),
        (b"[localhost]", DEFAULT, False),
        (b"l\xf6calhost", DEFAULT, False),
        # The user's names: exact, a domain with its subdomains, an IP they listed.
        (b"myhost.test", USER, True),
        (b"MyHost.Test:8000", USER, True),
        (b"myhost.test.", USER, True),
        (b"www.myhost.test", USER, False),
        (b"example.test", USER, True),
        (b"a.b.example.test:443", USER, True),
        (b"badexample.test", USER, False),
        (b"example.test.attacker.test", USER, False),
        (b"[fe80::1]:8000", USER, True),
        # "*" turns the check off.
        (b"attacker.test", ("*",), True),
        (b"\x00 not even a host", ("*",), True),
    ],
)
def test_host_allowed(host: bytes, allowed: tuple[str, ...], expected: bool) -> None:
    assert host_allowed(host, allowed) is expected


@pytest.mark.parametrize(
    ("host", "name"),
    [
        (b"Example.TEST:8080", "example.test"),
        (b"example.test.", "example.test"),
        (b"[::1]:8000", "[::1]"),
        (b"example.test:", None),
        (b"ex ample.test", None),
    ],
)
def test_split_host_lowercases_and_drops_port_and_trailing_dot(
    host: bytes, name: str | None
) -> None:
    assert split_host(host) == name


@pytest.mark.parametrize(
    ("headers", "server", "expected"),
    [
        ([(b"host", b"localhost:8000")], ("10.0.0.1", 8000), b"localhost:8000"),
        ([(b"Host", b"attacker.test")], None, b"attacker.test"),
        ([(b"host", b"a.test"), (b"host", b"localhost")], None, b"a.test,localhost"),
        ([], ("127.0.0.1", 8000), b"127.0.0.1:8000"),
        ([(b"host", b"")], ("::1", 8000), b"[::1]:8000"),
        ([], ("testserver", None), b"testserver"),
        ([], ("/tmp/app.sock", None), None),
        ([], None, None),
    ],
)
def test_request_host_prefers_the_header_then_the_scope_server(
    headers: list[tuple[bytes, bytes]], server: tuple[object, ...] | None, expected: bytes | None
) -> None:
    assert request_host(headers, server) == expected


def test_two_host_headers_are_refused_even_if_one_is_allowed() -> None:
    host = request_host([(b"host", b"localhost"), (b"host", b"attacker.test")], None)
    assert host is not None and not host_allowed(host, ())


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80), st.lists(st.sampled_from(["*", "a.test", ".b.test", "[::1]"])))
def test_any_host_bytes_give_a_bool_never_an_exception(host: bytes, allowed: list[str]) -> None:
    assert host_allowed(host, allowed) in (True, False)
    assert isinstance(refusal_text(host), str)


@hypothesis_settings(deadline=None)
@given(st.from_regex(rb"\A(localhost|[a-z]{1,8}\.localhost|127\.0\.0\.[1-9]\d?)(:\d{1,5})?\Z"))
def test_localhost_names_and_loopback_addresses_are_always_allowed(host: bytes) -> None:
    assert host_allowed(host, ())


def test_refusal_text_names_the_host_and_the_setting_to_change() -> None:
    assert refusal_text(b"Attacker.test:8000") == (
        "403 Forbidden: devstatic does not answer for the host 'Attacker.test:8000'.\n"
        "It answers localhost, *.localhost, IP addresses and the hosts in allowed-hosts only, "
        "so that no website can read your files through DNS rebinding.\n"
        "To allow this host, add it in pyproject.toml:\n"
        "  [tool.devstatic]\n"
        '  allowed-hosts = ["attacker.test"]\n'
        '(or pass allowed_hosts=["attacker.test"]; Settings.from_django() reads ALLOWED_HOSTS)\n'
    )


def test_refusal_text_shows_control_bytes_escaped() -> None:
    first = refusal_text(b"a\r\nb\x00" + b"x" * 200).splitlines()[0]
    assert first.startswith("403 Forbidden: devstatic does not answer for the host 'a\\r\\nb\\x00x")
    assert first.endswith("xxx...'.")


# -- the setting ---------------------------------------------------------------------------


def test_allowed_hosts_default_is_empty_and_entries_are_normalised() -> None:
    assert Settings().allowed_hosts == ()
    settings = Settings(allowed_hosts=["MyHost.Test.", ".Example.test", "*", "[::1]"])
    assert settings.allowed_hosts == ("myhost.test", ".example.test", "*", "[::1]")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "myhost.test",
            "allowed_hosts must be a list of host names, e.g. "
            "allowed-hosts = ['myhost.test'], not 'myhost.test'.",
        ),
        (
            ["*.example.test"],
            "allowed_hosts entry '*.example.test' is not a host name: "
            "write '.example.test' for example.test and its subdomains.",
        ),
        (
            ["http://myhost.test:8000/"],
            "allowed_hosts entry 'http://myhost.test:8000/' is not a host name: "
            "write 'myhost.test' (no scheme, port or path).",
        ),
        (
            ["myhost.test:8000"],
            "allowed_hosts entry 'myhost.test:8000' is not a host name: "
            "write 'myhost.test' (no scheme, port or path).",
        ),
        (
            ["[::1]:8000"],
            "allowed_hosts entry '[::1]:8000' is not a host name: "
            "write '[::1]' (no scheme, port or path).",
        ),
        (
            ["my host"],
            "allowed_hosts entry 'my host' is not a host name: write a name such as "
            "'myhost.test', or '.example.test' for a domain and its subdomains.",
        ),
        (
            [""],
            "allowed_hosts entry '' must be a host name such as 'myhost.test', "
            "'.example.test' (with its subdomains) or '*' (any host).",
        ),
        (
            [3],
            "allowed_hosts entry 3 must be a host name such as 'myhost.test', "
            "'.example.test' (with its subdomains) or '*' (any host).",
        ),
    ],
)
def test_bad_allowed_hosts_name_the_key_and_the_fix(value: object, message: str) -> None:
    with pytest.raises(ImproperlyConfigured) as info:
        Settings(allowed_hosts=value)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_allowed_hosts_is_read_from_pyproject(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.devstatic]\nallowed-hosts = ["mylaptop.lan", ".ngrok-free.app"]\n')
    assert Settings.load(config).allowed_hosts == ("mylaptop.lan", ".ngrok-free.app")


def test_check_allowed_hosts_collects_every_problem() -> None:
    problems: list[str] = []
    assert check_allowed_hosts(["ok.test", "", "*.x.test"], problems) == ("ok.test",)
    assert len(problems) == 2
