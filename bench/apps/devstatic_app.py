"""devstatic's middleware over a bare 404 app."""

from __future__ import annotations

import os

import devstatic.serve.send
from bench.apps import not_found, roots
from devstatic import StaticFilesMiddleware

if "BENCH_CHUNK" in os.environ:  # the chunk-size sweep
    devstatic.serve.send.CHUNK_SIZE = int(os.environ["BENCH_CHUNK"])

app = StaticFilesMiddleware(
    not_found, static_url="/static/", dirs=[str(r) for r in roots()], debug=True
)
