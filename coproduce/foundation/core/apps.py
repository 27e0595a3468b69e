from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "coproduce.foundation.core"
    label = "core"
    verbose_name = "Core"
