from django.apps import AppConfig


class RoutesConfig(AppConfig):
    name = "coproduce.routes"
    label = "routes"
    verbose_name = "Procurement rules and routes"
