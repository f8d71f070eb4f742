from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo site's own app: what `make dev` needs that the upload app must not ship."""

    name = "demo"
