"""Django's manifest storage with JS import rewriting on (devstatic's default)."""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage


class JsModulesManifestStorage(ManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
