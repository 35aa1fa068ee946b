"""The errors devstatic raises at users."""

from __future__ import annotations


class ImproperlyConfigured(Exception):
    """A configuration mistake. The message names the key, what was wrong and what to write."""


class StorageError(Exception):
    """A storage could not do what a command asked; the message is one line for the user."""
