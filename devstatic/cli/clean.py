"""``devstatic clean``: delete the hashed files old deploys left behind.

As ``mix phx.digest.clean --keep 2 --age 3600``: a hashed file (or its ``.br``/``.gz``)
goes when none of the last ``--keep`` manifests collectstatic wrote names it and it is
older than ``--max-age`` seconds, so pages a rolling deploy still serves keep working.
The current manifest's files always stay; plain names are never touched. Like
collectstatic, a run without a terminal needs ``--noinput``.
"""

from __future__ import annotations

import argparse
import sys

from devstatic.config.settings import Settings

HELP = "Delete old hashed static files that recent manifests no longer name."

CANCELLED = "Cleaning static files cancelled."
NEEDS_NOINPUT = (
    "clean asks for confirmation, but standard input is not a terminal. "
    "Pass --noinput to delete without asking."
)


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number of 0 or more, not {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from devstatic.cli.main import add_noinput_argument, add_verbosity_argument

    parser.add_argument(
        "--keep",
        type=_non_negative_int,
        default=2,
        metavar="N",
        help="Keep the files named by the last N collected manifests (default 2).",
    )
    parser.add_argument(
        "--max-age",
        type=_non_negative_int,
        default=3600,
        metavar="SECONDS",
        help="Delete only files older than this (default 3600).",
    )
    add_noinput_argument(parser)
    parser.add_argument(
        "-n", "--dry-run", action="store_true", help="Do everything except delete files."
    )
    add_verbosity_argument(
        parser,
        {
            0: "nothing but errors",
            1: "the summary line (default)",
            2: "also each file deleted",
        },
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from devstatic.cli.collectstatic import _stdin_is_terminal
    from devstatic.cli.main import USAGE, print_error
    from devstatic.collect.clean import NothingToCleanError, plan
    from devstatic.storage.base import get_storage
    from devstatic.storage.manifest import ManifestFilesMixin

    storage = get_storage(settings)
    try:
        if not isinstance(storage, ManifestFilesMixin):
            print_error(
                f"clean needs a storage that keeps a manifest, and {type(storage).__name__} "
                f"(storage = {settings.storage!r}) keeps none. Set storage to "
                "'devstatic.storage.ManifestStaticFilesStorage' or "
                "'devstatic.storage.ManifestS3Storage'."
            )
            return USAGE
        if args.interactive and not _stdin_is_terminal():
            print_error(NEEDS_NOINPUT)
            return USAGE
        try:
            chosen = plan(storage, keep=args.keep, max_age=args.max_age)
        except NothingToCleanError:
            print_error(
                f"there is no {storage.manifest_name} in the storage, so clean cannot tell "
                "old files from current ones. Run collectstatic first."
            )
            return USAGE
        if args.interactive and chosen.old and not args.dry_run and not _confirm(len(chosen.old)):
            sys.stderr.write(CANCELLED + "\n")
            return 1
        for name in chosen.old:
            if args.verbosity >= 2:
                verb = "Pretending to delete" if args.dry_run else "Deleting"
                sys.stdout.write(f"{verb} '{name}'\n")
            if not args.dry_run:
                storage.delete(name)
        if not args.dry_run:
            for name in chosen.stale_history:
                storage.delete(name)
        if args.verbosity >= 1:
            count = len(chosen.old)
            files = f"{count} static file{'' if count == 1 else 's'}"
            action = "would be deleted" if args.dry_run else "deleted"
            sys.stdout.write(f"{files} {action}.\n")
        sys.stdout.flush()
        return 0
    finally:
        storage.close()


def _confirm(count: int) -> bool:
    """Django's tone of question; anything but ``yes`` cancels."""
    try:
        answer = input(
            f"\nThis will delete {count} old hashed static file{'' if count == 1 else 's'} "
            "that the recent manifests no longer name.\n"
            "Are you sure you want to do this?\n\nType 'yes' to continue, or 'no' to cancel: "
        )
    except EOFError:
        return False
    return answer == "yes"
