from django.apps import AppConfig


class LianbingConfig(AppConfig):
    """Project-wide hooks with no models: every database connection reports its writes to the page cache."""

    name = "lianbing"
    verbose_name = "练兵"

    def ready(self):
        from django.core.signals import setting_changed
        from django.db.backends.signals import connection_created

        from .page_cache import forget_everything, install

        connection_created.connect(install, dispatch_uid="lianbing.page_cache.install")
        setting_changed.connect(forget_everything, dispatch_uid="lianbing.page_cache.settings")
