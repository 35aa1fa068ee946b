"""An empty URLconf: the static handler answers before any view."""

urlpatterns: list[object] = []
