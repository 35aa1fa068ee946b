"""Starlette's ``StaticFiles`` mounted at ``/static``.

For 20 dirs it uses ``StaticFiles(packages=[...])``: Starlette's own way to search
several folders in order (one ``StaticFiles``, ``all_directories`` tried in turn),
which is what a Starlette app with many static sources does.
"""

from __future__ import annotations

import sys

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from bench.apps import DIR_COUNT, layout, roots, work

if layout() == "multi":
    sys.path.insert(0, str(work() / "multi"))
    static = StaticFiles(packages=[(f"bench_dir{i:02d}", "static") for i in range(DIR_COUNT)])
else:
    static = StaticFiles(directory=roots()[0])

app = Starlette(routes=[Mount("/static", app=static)])
