"""ServeStatic's ASGI app: production index, or ``autorefresh=True`` (``BENCH_AUTOREFRESH=1``)."""

from __future__ import annotations

import os

from servestatic import ServeStaticASGI

from bench.apps import not_found, roots

app = ServeStaticASGI(not_found, autorefresh=os.environ.get("BENCH_AUTOREFRESH") == "1")
for root in roots():
    app.add_files(str(root), prefix="static/")
