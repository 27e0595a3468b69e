from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "coproduce.commissioning"
    label = "commissioning"
    verbose_name = "Commissioning projects"
