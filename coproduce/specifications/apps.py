from django.apps import AppConfig


class SpecificationsConfig(AppConfig):
    name = "coproduce.specifications"
    label = "specifications"
    verbose_name = "Service specifications"
