"""Configuration: ``Settings`` and where its values come from (pyproject.toml, keyword
overrides, the environment, a Django project), the debug guard, and plugin loading.

Nothing here serves or collects: the serving path, the commands and the storages read a
finished, validated ``Settings``."""
