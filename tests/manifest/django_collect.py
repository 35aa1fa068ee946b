"""Run Django's own ``collectstatic`` on a folder: the reference we test against.

Run as ``python django_collect.py SOURCE STATIC_ROOT STATIC_URL JS_IMPORTS``, in a
subprocess, because Django can be configured once per process and because the
reference may be another interpreter (Django 6.1 needs Python 3.12). It prints one
JSON object: the Django version, the order in which collectstatic found the files
(which decides Django's pass order), and the error collectstatic raised, if any,
with the stderr it wrote (where Django names the file that failed).
"""

from __future__ import annotations

import io
import json
import sys

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage


class JSModuleManifestStaticFilesStorage(ManifestStaticFilesStorage):
    """Django's storage with JS module imports rewritten too."""

    support_js_module_import_aggregation = True


def main(source: str, static_root: str, static_url: str, js_imports: str) -> None:
    import django
    from django.conf import settings
    from django.core.management import call_command

    backend = (
        "__main__.JSModuleManifestStaticFilesStorage"
        if js_imports == "1"
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    )
    settings.configure(
        DEBUG=False,
        INSTALLED_APPS=["django.contrib.staticfiles"],
        STATIC_URL=static_url,
        STATIC_ROOT=static_root,
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": backend},
        },
    )
    django.setup()

    from django.contrib.staticfiles.finders import get_finders

    order = [
        path for finder in get_finders() for path, _storage in finder.list(["CVS", ".*", "*~"])
    ]
    stderr = io.StringIO()
    error = None
    try:
        call_command("collectstatic", interactive=False, verbosity=0, stderr=stderr)
    except Exception as exc:
        notes = getattr(exc, "__notes__", [])
        error = {"type": type(exc).__name__, "message": str(exc), "notes": notes}
    report = {
        "django": list(django.VERSION[:3]),
        "order": order,
        "error": error,
        "stderr": stderr.getvalue(),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main(*sys.argv[1:5])
