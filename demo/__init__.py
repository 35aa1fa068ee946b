"""The devstatic demo: a Starlette page styled by static files from `dirs` and a package.

Run it with `make demo` (or `uvicorn demo:app --reload` inside the venv).
"""

from demo.app import app

__all__ = ["app"]
