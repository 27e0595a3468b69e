from django.apps import AppConfig


class EqualityConfig(AppConfig):
    name = "coproduce.understand.equality"
    label = "equality"
    verbose_name = "Equality impact"
