"""``devstatic`` (and ``python -m devstatic``): findstatic, collectstatic, check, clean, nginx.

Every command reads the same ``Settings`` as the middleware (``--config FILE``, else the
nearest pyproject.toml with a ``[tool.devstatic]`` table). Exit statuses a script can
rely on: 0 success, 1 the command found a problem (a missed path, a failed copy, check
errors), 2 bad usage or configuration (nothing was touched).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from devstatic.cli.commands import COMMANDS
from devstatic.config.pyproject import find_config_file
from devstatic.config.settings import Settings
from devstatic.exceptions import ImproperlyConfigured, StorageError

#: Exit statuses.
OK, FAILED, USAGE = 0, 1, 2


def add_project_to_path(config: str | None) -> None:
    """Make the project's own packages importable, as ``manage.py`` does for Django.

    A console script does not put the working directory on ``sys.path`` (``python -m``
    does), so ``packages = ["myapp"]`` would not import from the project root. The
    project is the folder of the config file in use, else the working directory.
    """
    found = Path(config) if config else find_config_file()
    folder = str(found.absolute().parent if found else Path.cwd())
    if folder not in sys.path:
        sys.path.insert(0, folder)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (errors are one line each on stderr)."""
    parser, modules = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse already printed
        return exc.code if isinstance(exc.code, int) else USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return USAGE
    module = modules[args.command]
    if isinstance(module, str):
        print_error(module)
        return USAGE
    try:
        add_project_to_path(args.config)
        if args.config is None:
            warn_when_unconfigured()
        settings = Settings.load(args.config)
    except ImproperlyConfigured as exc:
        handler = getattr(module, "config_error", None)
        if handler is not None:
            return int(handler(args, exc))
        print_error(exc)
        return USAGE
    try:
        return int(module.run(args, settings))
    except ImproperlyConfigured as exc:
        print_error(exc)
        return USAGE
    except StorageError as exc:
        print_error(exc)
        return FAILED
    except KeyboardInterrupt:
        print_error("interrupted.")
        return 130
    except BrokenPipeError:
        # `devstatic findstatic ... | head`: the reader left; exit quietly as shell tools do.
        _silence_stdout()
        return 141


#: Allocations between the young generation's collections in a command's own process
#: (CPython's default is 700). A rerun into a bucket made ~300 collections, the full
#: ones walking botocore's models: ~0.1 s. mypy's command raises it the same way.
COMMAND_GC_THRESHOLD = 100_000


def console_main() -> int:
    """The ``devstatic`` console script and ``python -m devstatic``: ``main`` in a process
    of its own, with the cyclic collector set for a short run.

    Collections are rarer while it runs, and what is left at the end is frozen: the
    interpreter's last collection would walk every object the command made (another
    ~0.1 s for a bucket's client) only for them all to die with the process. ``main``
    called from Python (a test, a deploy script) leaves the collector alone.
    """
    gc.set_threshold(COMMAND_GC_THRESHOLD, *gc.get_threshold()[1:])
    status = main()
    gc.freeze()
    return status


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType | str]]:
    """The argument parser, and each command's module (or why it could not be imported).

    Command modules are imported here, not at the top, so ``import devstatic.cli.main`` stays
    cheap and a command whose module is missing does not break the others.
    """
    parser = argparse.ArgumentParser(
        prog="devstatic",
        description="Django's staticfiles workflow for any ASGI app.",
    )
    add_config_argument(parser, None)
    parser.add_argument("--version", action=VersionAction)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules: dict[str, ModuleType | str] = {}
    for name, dotted in COMMANDS.items():
        try:
            module = importlib.import_module(dotted)
        except ImportError as exc:
            # One broken or missing command must not take the others down with it.
            modules[name] = f"the {name} command cannot be loaded ({exc})."
            subparsers.add_parser(name, help="(not available in this installation)")
            continue
        modules[name] = module
        summary = getattr(module, "HELP", None) or _first_line(module.__doc__)
        sub = subparsers.add_parser(name, help=summary, description=summary)
        add_config_argument(sub, argparse.SUPPRESS)
        module.add_arguments(sub)
    return parser, modules


def add_config_argument(parser: argparse.ArgumentParser, default: Any) -> None:
    """``--config FILE``, accepted before or after the command name."""
    parser.add_argument(
        "--config",
        metavar="FILE",
        default=default,
        help="the pyproject.toml to read [tool.devstatic] from "
        "(default: the nearest one at or above the working directory)",
    )


def add_verbosity_argument(parser: argparse.ArgumentParser, levels: Mapping[int, str]) -> None:
    """Django's ``-v/--verbosity``; ``levels`` says what each level prints."""
    parser.add_argument(
        "-v",
        "--verbosity",
        type=int,
        choices=list(levels),
        default=1,
        help="; ".join(f"{n}: {what}" for n, what in levels.items()),
    )


def add_noinput_argument(parser: argparse.ArgumentParser) -> None:
    """Django's ``--noinput``/``--no-input``, for every command that asks before deleting."""
    parser.add_argument(
        "--noinput",
        "--no-input",
        action="store_false",
        dest="interactive",
        help="Do NOT prompt the user for input of any kind.",
    )


class VersionAction(argparse.Action):
    """``--version``: the installed version, read only when asked for (reading package
    metadata costs every other command ~40 ms of imports)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            default=argparse.SUPPRESS,
            help="show program's version number and exit",
        )

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        print(f"devstatic {installed_version()}")  # on stdout, as argparse's own action
        parser.exit()


def installed_version() -> str:
    """devstatic's version as installed (the wheel's metadata), for ``--version``."""
    from importlib import metadata

    try:
        return metadata.version("devstatic")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        from devstatic import __version__

        return __version__


def warn_when_unconfigured(start: Path | None = None) -> None:
    """Say on stderr that no ``[tool.devstatic]`` was found, and where we looked.

    Settings passed to the middleware in ``main.py`` are invisible to the commands; a
    command that ran on the defaults without a word looked like it worked.
    """
    here = (start or Path.cwd()).absolute()
    if find_config_file(here) is not None:
        return
    sys.stderr.write(no_config_message(here, nearest_pyproject(here)) + "\n")
    sys.stderr.flush()


def no_config_message(here: Path, nearest: Path | None) -> str:
    target = nearest or here / "pyproject.toml"
    return (
        f"warning: no [tool.devstatic] table in any pyproject.toml at or above {here}; "
        "running with the defaults (static-url = '/static/', no dirs, no static-root). "
        f"Add the table to {target}, or pass --config FILE."
    )


def nearest_pyproject(here: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``here`` (with or without our table)."""
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def print_error(error: object) -> None:
    """Each line of ``error`` on stderr as ``error: ...`` (configuration errors have several)."""
    for line in str(error).splitlines() or [""]:
        if line.strip():
            sys.stderr.write(f"error: {line}\n")
    sys.stderr.flush()


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    finally:
        os.close(devnull)


def _first_line(doc: str | None) -> str | None:
    return doc.strip().splitlines()[0].strip() if doc and doc.strip() else None


if __name__ == "__main__":
    sys.exit(main())
