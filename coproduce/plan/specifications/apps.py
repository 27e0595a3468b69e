from django.apps import AppConfig


class SpecificationsConfig(AppConfig):
    name = "coproduce.plan.specifications"
    label = "specifications"
    verbose_name = "Service specifications"
