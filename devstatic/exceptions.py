"""The errors devstatic raises at users."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


class ConfigProblem(NamedTuple):
    """One configuration mistake: the ``key`` it is about (see ``ImproperlyConfigured``)
    and the one-line ``message`` that names it, what was wrong and what to write."""

    key: str | None
    message: str


class ImproperlyConfigured(Exception):
    """A configuration mistake. The message names the key, what was wrong and what to write.

    ``key`` says which setting it is about, so that a caller (``devstatic check``, an
    editor, a framework's settings page) need not read it out of the message:

    - a ``Settings`` field by its Python name (``"static_url"``), also when the user
      wrote the TOML spelling (``static-url``) or Django's name (``STATIC_URL``); the
      debug refusal is ``"debug"``;
    - a storage option as ``"storage_options.NAME"``, ``NAME`` as the storage receives
      it (``"storage_options.manifest_strict"`` for ``manifest-strict``); a mistake about
      the options as a whole (a name no storage takes) is ``"storage_options"``;
    - ``None`` for an error about no single field: an unknown key (the message names
      it), a config file that is missing or not TOML, ``DEVSTATIC_DEBUG``, a
      command-line flag (``--link``), Django not installed or not configured.

    Settings validation reports every problem at once, one line each: ``problems`` holds
    them all as ``(key, message)`` pairs in the order of the lines, and ``key`` is then
    the first one's. An error about one thing has that one pair.
    """

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.problems: tuple[ConfigProblem, ...] = (ConfigProblem(key, message),)

    @classmethod
    def gather(cls, problems: Iterable[tuple[str | None, str]]) -> ImproperlyConfigured:
        """One error for several ``(key, message)`` problems: a line each, the first's key."""
        found = tuple(ConfigProblem(key, message) for key, message in problems)
        if not found:
            raise ValueError("ImproperlyConfigured.gather() needs at least one problem")
        error = cls("\n".join(problem.message for problem in found), key=found[0].key)
        error.problems = found
        return error


class StorageError(Exception):
    """A storage could not do what a command asked; the message is one line for the user."""
