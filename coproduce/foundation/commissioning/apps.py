from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "coproduce.foundation.commissioning"
    label = "commissioning"
    verbose_name = "Commissioning projects"
