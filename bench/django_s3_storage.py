"""django-storages' S3 storage with Django's manifest layer (JS imports rewritten)."""

from django.contrib.staticfiles.storage import ManifestFilesMixin
from storages.backends.s3 import S3Storage


class JsModulesManifestS3Storage(ManifestFilesMixin, S3Storage):
    support_js_module_import_aggregation = True
