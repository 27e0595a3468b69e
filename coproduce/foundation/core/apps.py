from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "coproduce.foundation.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        # Registers the system checks; imported here because app loading must finish first.
        from . import checks  # noqa: F401
