"""The debug guard: the middleware serves only in development.

Production traffic belongs to nginx or a CDN in front of ``collectstatic``'s output;
a dev server that quietly serves production is how sites end up slow and leaking
source maps. So the middleware refuses to start unless debug is on.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from devstatic.config.settings import DEBUG_ENV, DEBUG_SOURCE, Settings, debug_from_env
from devstatic.exceptions import ImproperlyConfigured

REFUSAL = (
    "devstatic's StaticFilesMiddleware only runs with debug on. Turn debug on for "
    "development with debug=True, DEVSTATIC_DEBUG=1, debug = true in [tool.devstatic], or "
    "your framework's debug flag (Starlette(debug=True)). In production, run "
    "`devstatic collectstatic` and let a real web server (nginx, `devstatic nginx`) or a CDN "
    "serve static_root; insecure=True serves anyway, as Django's runserver --insecure."
)

#: The refusal when Django's ``DEBUG`` gave debug (``Settings.from_django``): the fix is
#: in the Django settings, or in asgi.py wrapping only in development.
DJANGO_REFUSAL = (
    "devstatic's StaticFilesMiddleware only runs with debug on, and your Django settings "
    "have DEBUG = False. Set DEBUG = True for development, or wrap the application only "
    "when settings.DEBUG is true (as the README's asgi.py does). In production, run "
    "`devstatic collectstatic` and let a real web server (nginx, `devstatic nginx`) or a "
    "CDN serve STATIC_ROOT."
)


def app_debug(app: Any) -> bool | None:
    """The wrapped app's own ``debug`` flag (Starlette, FastAPI, Litestar), if it has one.

    With Starlette's ``add_middleware`` we wrap an inner layer, so we follow ``.app``
    a few steps down until a boolean ``debug`` shows up.
    """
    seen = 0
    while app is not None and seen < 8:
        value = getattr(app, "debug", None)
        if isinstance(value, bool):
            return value
        app = getattr(app, "app", None)
        seen += 1
    return None


#: The resolved debug value of the ``StaticFilesMiddleware`` whose app is handling the
#: current request (``None`` outside one). ``static()`` and the Jinja tags have no app at
#: hand; without this, ``Starlette(debug=True)`` would serve plain names while templates
#: asked for hashed ones the dev server does not have. A context variable, not a global:
#: each request (and what it spawns) sees its own middleware's value, so two apps in one
#: process never see each other's, and code outside any request sees none.
request_debug: ContextVar[bool | None] = ContextVar("devstatic_request_debug", default=None)


def resolve_debug(settings: Settings, app: Any) -> bool:
    """Debug from the first source that sets it: settings, ``DEVSTATIC_DEBUG``, the app.

    With ``app=None`` (``static()``, ``importmap()``, ``integrity()``, the Jinja tags) the
    last source is the debug value of the middleware whose app is handling the current
    request (``request_debug``); outside any request, only settings and the environment.
    """
    app_value = app_debug(app) if app is not None else request_debug.get()
    for source in (settings.debug, debug_from_env(), app_value):
        if source is not None:
            return source
    return False


def check_debug(settings: Settings, app: Any) -> bool:
    """The resolved debug flag; raises ``ImproperlyConfigured`` when serving is refused."""
    debug = resolve_debug(settings, app)
    if not debug and not settings.insecure:
        from_django = settings.debug is False and getattr(settings, DEBUG_SOURCE, None) == "DEBUG"
        raise ImproperlyConfigured(DJANGO_REFUSAL if from_django else REFUSAL, key="debug")
    return debug


__all__ = [
    "DEBUG_ENV",
    "DJANGO_REFUSAL",
    "REFUSAL",
    "app_debug",
    "check_debug",
    "request_debug",
    "resolve_debug",
]
