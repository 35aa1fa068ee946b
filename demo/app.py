"""A small Starlette site whose static files devstatic serves in development."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.templating import Jinja2Templates
from starlette.websockets import WebSocket

from demo.media import ensure_media
from devstatic import Settings, StaticFilesMiddleware
from devstatic.jinja import StaticExtension

HERE = Path(__file__).parent
# The demo's settings live in [tool.devstatic] of the repo's pyproject.toml.
settings = Settings.load(HERE.parent / "pyproject.toml")
ensure_media(HERE / "static" / "media")

env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(),
    extensions=[StaticExtension],
)
env.devstatic_settings = settings  # type: ignore[attr-defined]
templates = Jinja2Templates(env=env)


async def home(request: Request) -> Response:
    return templates.TemplateResponse(request, "index.html", {"title": "devstatic demo"})


async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    text = await websocket.receive_text()
    await websocket.send_text(f"echo: {text}")
    await websocket.close()


app = Starlette(debug=True, routes=[Route("/", home), WebSocketRoute("/ws", echo)])
app.add_middleware(StaticFilesMiddleware, settings=settings)
