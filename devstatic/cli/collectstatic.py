"""``devstatic collectstatic``: gather the static files into ``static_root`` (or a bucket).

Flags, messages, the confirmation prompt and the summary line are Django's. Safer than
Django in three ways: a run without a terminal and without ``--noinput`` stops before
touching anything (a CI job never hangs on a prompt nobody sees); the destination is
checked (configured, creatable, writable, not inside ``dirs``) before anything is
deleted; a storage failure is one line on stderr and exit 1, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from devstatic.config.settings import Settings
from devstatic.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from devstatic.storage.base import Storage

HELP = "Collect static files in a single location."

CANCELLED = "Collecting static files cancelled."
NEEDS_NOINPUT = (
    "collectstatic asks for confirmation, but standard input is not a terminal. "
    "Pass --noinput to collect without asking."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from devstatic.cli.main import add_noinput_argument, add_verbosity_argument

    add_noinput_argument(parser)
    parser.add_argument(
        "--no-post-process",
        action="store_false",
        dest="post_process",
        help="Do NOT post process collected files.",
    )
    parser.add_argument(
        "-i",
        "--ignore",
        action="append",
        default=[],
        dest="ignore_patterns",
        metavar="PATTERN",
        help="Ignore files or directories matching this glob-style pattern. "
        "Use multiple times to ignore more.",
    )
    parser.add_argument(
        "-n", "--dry-run", action="store_true", help="Do everything except modify the filesystem."
    )
    parser.add_argument(
        "-c",
        "--clear",
        action="store_true",
        help="Delete every file in the storage before collecting.",
    )
    parser.add_argument(
        "-l",
        "--link",
        action="store_true",
        help="Create a symbolic link to each file instead of copying.",
    )
    parser.add_argument(
        "--no-default-ignore",
        action="store_false",
        dest="use_default_ignore_patterns",
        help="Don't ignore the ignore-patterns of the settings (by default 'CVS', '.*' and '*~').",
    )
    add_verbosity_argument(
        parser,
        {
            0: "nothing but errors",
            1: "the summary line and skipped duplicates (default)",
            2: "also each file copied, skipped or post-processed",
            3: "the same as 2 (Django's highest level)",
        },
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from devstatic.cli.main import USAGE, print_error
    from devstatic.exceptions import StorageError
    from devstatic.storage.base import get_storage

    storage = get_storage(settings)
    try:
        if args.link and not storage.supports_links:
            raise ImproperlyConfigured(
                f"--link needs a storage that can make symbolic links, and "
                f"{type(storage).__name__} (storage = {settings.storage!r}) cannot. "
                "Run collectstatic without --link.",
                key=None,
            )
        try:
            destination = storage.describe()
        except StorageError as exc:
            print_error(exc)
            return USAGE
        if args.interactive and not _stdin_is_terminal():
            print_error(NEEDS_NOINPUT)
            return USAGE
        if not args.dry_run:
            try:
                storage.check_writable()
            except StorageError as exc:
                print_error(exc)
                return USAGE
        if args.interactive and not confirm(args, storage, destination):
            sys.stderr.write(CANCELLED + "\n")
            return 1
        return _collect(args, settings, storage, destination)
    finally:
        storage.close()


def _collect(
    args: argparse.Namespace, settings: Settings, storage: Storage, destination: str | None
) -> int:
    from devstatic.collect.collector import (
        CollectOptions,
        collect,
        ignore_patterns_for,
        summary_line,
    )
    from devstatic.collect.progress import make_progress

    options = CollectOptions(
        clear=args.clear,
        dry_run=args.dry_run,
        link=args.link,
        post_process=args.post_process,
        ignore_patterns=ignore_patterns_for(
            settings, args.ignore_patterns, use_defaults=args.use_default_ignore_patterns
        ),
    )
    verbosity = args.verbosity
    progress = make_progress(sys.stdout, verbosity=verbosity)

    def log(message: str, level: int) -> None:
        if verbosity >= level:
            progress.write(message)

    try:
        stats = collect(settings, storage, options=options, log=log, progress=progress)
    finally:
        progress.close()
    if verbosity >= 1:
        # Django's summary starts with a blank line.
        sys.stdout.write("\n" + summary_line(stats, link=args.link, destination=destination) + "\n")
        sys.stdout.flush()
    return 0


def confirm(args: argparse.Namespace, storage: Storage, destination: str | None) -> bool:
    """Django's question, asked when the destination has files (always for a bucket)."""
    if destination is not None and next(iter(storage.list_names()), None) is None:
        return True
    try:
        answer = input(prompt_text(destination, clear=args.clear, dry_run=args.dry_run))
    except EOFError:
        return False
    return answer == "yes"


def prompt_text(destination: str | None, *, clear: bool, dry_run: bool) -> str:
    """The confirmation prompt, word for word Django's."""
    message = ["\n"]
    if dry_run:
        message.append("You have activated the --dry-run option so no files will be modified.\n\n")
    message.append(
        "You have requested to collect static files at the destination\n"
        "location as specified in your settings"
    )
    if destination is not None:
        message.append(f":\n\n    {_unquote(destination)}\n\n")
    else:
        message.append(".\n\n")
    if clear:
        message.append("This will DELETE ALL FILES in this location!\n")
    else:
        message.append("This will overwrite existing files!\n")
    message.append(
        "Are you sure you want to do this?\n\nType 'yes' to continue, or 'no' to cancel: "
    )
    return "".join(message)


def _unquote(destination: str) -> str:
    """``'/abs/root'`` (as the summary shows it) → ``/abs/root`` (as the prompt shows it)."""
    if len(destination) >= 2 and destination[0] == destination[-1] and destination[0] in "'\"":
        return destination[1:-1]
    return destination


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False
