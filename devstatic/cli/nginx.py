"""``devstatic nginx``: print the nginx ``location`` block serving the collected files."""

from __future__ import annotations

import argparse
import sys

from devstatic.config.settings import Settings

HELP = "Print an nginx location block that serves static_root at static_url."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--brotli",
        action="store_true",
        help="also send the .br siblings (brotli_static; needs nginx with the ngx_brotli module)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 2 (one line on stderr) without a static_root; the CLI prints the error."""
    from devstatic.collect.nginx import nginx_block

    sys.stdout.write(nginx_block(settings, brotli=args.brotli))
    return 0
