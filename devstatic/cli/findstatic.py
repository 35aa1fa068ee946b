"""``devstatic findstatic PATH...``: where each path is found, worded as Django's command.

Output mirrors Django's ``findstatic``: ``Found 'PATH' here:`` then each match (symlinks
resolved) indented by two spaces; ``-v0`` prints bare paths; ``-v2`` adds every location
searched. A miss prints ``No matching file found for 'PATH'.`` on stderr (at ``-v1``
and up, as Django) and, unlike Django, makes the exit status 1 so scripts can tell.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from devstatic.config.settings import Settings
from devstatic.finders import BaseFinder, describe_location, get_finders

HELP = "Find the absolute paths of the given static files."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from devstatic.cli.main import add_verbosity_argument

    parser.add_argument("paths", nargs="+", metavar="PATH", help="a static path, e.g. css/base.css")
    parser.add_argument(
        "--first",
        action="store_false",
        dest="all",
        help="Only return the first match for each static file.",
    )
    add_verbosity_argument(
        parser,
        {
            0: "bare paths only",
            1: "'Found ... here:' and each match (default)",
            2: "also every location searched, a missing one marked",
        },
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    finders = get_finders(settings)
    locations = searched_locations(finders)
    missed = False
    for path in args.paths:
        matches = find_matches(finders, path, first_only=not args.all)
        if matches:
            sys.stdout.write(format_found(path, matches, locations, args.verbosity) + "\n")
        else:
            missed = True
            if args.verbosity >= 1:
                sys.stderr.write(format_missing(path, locations, args.verbosity) + "\n")
    sys.stdout.flush()
    return 1 if missed else 0


def find_matches(finders: list[BaseFinder], path: str, *, first_only: bool) -> list[str]:
    """The real paths of every match, in finder order (or only the first)."""
    out: list[str] = []
    for finder in finders:
        if first_only:
            found = finder.find(path)
            if found is not None:
                return [os.path.realpath(found)]
            continue
        out.extend(os.path.realpath(match) for match in finder.find_all(path))
    return out


def searched_locations(finders: list[BaseFinder]) -> list[Path]:
    """Every location of every finder, in search order, each once."""
    out: list[Path] = []
    for finder in finders:
        for location in finder.locations():
            if location not in out:
                out.append(location)
    return out


def format_found(path: str, matches: list[str], locations: list[Path], verbosity: int) -> str:
    if verbosity == 0:
        return "\n".join(matches)
    text = f"Found '{path}' here:\n  " + "\n  ".join(matches)
    if verbosity >= 2:
        text += _locations_block(locations)
    return text


def format_missing(path: str, locations: list[Path], verbosity: int) -> str:
    text = f"No matching file found for '{path}'."
    if verbosity >= 2:
        text += "\n" + _locations_block(locations)
    return text


def _locations_block(locations: list[Path]) -> str:
    listed = [describe_location(p) for p in locations] or ["(none: set dirs or packages)"]
    return "\nLooking in the following locations:\n  " + "\n  ".join(listed)
