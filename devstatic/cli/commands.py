"""The ``devstatic`` subcommands, one module each.

Each module provides ``HELP`` (one line for ``devstatic --help``), ``add_arguments(parser)``
and ``run(args, settings) -> int`` (the exit status). A module may also provide
``config_error(args, error) -> int`` to report a configuration that does not load
(``check`` does: such errors are what it is for); the others exit 2 with the error.
"""

from __future__ import annotations

#: Subcommand name → module, in the order ``--help`` lists them.
COMMANDS: dict[str, str] = {
    "findstatic": "devstatic.cli.findstatic",
    "collectstatic": "devstatic.cli.collectstatic",
    "check": "devstatic.cli.check",
    "clean": "devstatic.cli.clean",
    "nginx": "devstatic.cli.nginx",
}
