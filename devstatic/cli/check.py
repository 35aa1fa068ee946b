"""``devstatic check``: report configuration errors and warnings, one line each.

Output: one line per problem, ``error: KEY: message`` or ``warning: KEY: message`` (the
message names the offending value), then ``System check identified no issues.`` or
``System check identified N issue(s).`` Exit status 1 when there is an error, else 0.
A configuration that does not even load (bad TOML, an unknown key, ``static_url``
without a trailing ``/``) is reported the same way, one error per problem.
"""

from __future__ import annotations

import argparse
import sys

from devstatic.collect.checks import Problem, find_problems, problems_from_error
from devstatic.config.settings import Settings
from devstatic.exceptions import ImproperlyConfigured

HELP = "Check the devstatic configuration for errors and likely mistakes."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace, settings: Settings) -> int:
    return report(find_problems(settings))


def config_error(args: argparse.Namespace, error: ImproperlyConfigured) -> int:
    """The settings did not load: each of their problems is an error."""
    return report(problems_from_error(error))


def report(problems: list[Problem]) -> int:
    for problem in problems:
        sys.stdout.write(f"{problem}\n")
    sys.stdout.write(summary(problems) + "\n")
    sys.stdout.flush()
    return 1 if any(p.level == "error" for p in problems) else 0


def summary(problems: list[Problem]) -> str:
    if not problems:
        return "System check identified no issues."
    n = len(problems)
    return f"System check identified {n} issue{'' if n == 1 else 's'}."
