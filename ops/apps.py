from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: backup and restore of the database. No models, imports no app."""

    name = "ops"
    verbose_name = "运维"
