from django.apps import AppConfig


class EqualityConfig(AppConfig):
    name = "coproduce.equality"
    label = "equality"
    verbose_name = "Equality impact"
