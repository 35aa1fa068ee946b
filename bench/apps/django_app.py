"""Django's ``ASGIStaticFilesHandler`` with ``DEBUG=True`` (what ``runserver`` serves with)."""

from __future__ import annotations

import django
from django.conf import settings

from bench.apps import roots

settings.configure(
    DEBUG=True,
    SECRET_KEY="bench",
    ALLOWED_HOSTS=["*"],
    INSTALLED_APPS=["django.contrib.staticfiles"],
    MIDDLEWARE=[],
    ROOT_URLCONF="bench.apps.django_urls",
    STATIC_URL="/static/",
    STATICFILES_DIRS=[str(r) for r in roots()],
    USE_TZ=True,
)
django.setup()

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

app = ASGIStaticFilesHandler(get_asgi_application())
