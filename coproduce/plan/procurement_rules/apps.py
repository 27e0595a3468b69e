from django.apps import AppConfig


class RoutesConfig(AppConfig):
    name = "coproduce.plan.procurement_rules"
    label = "routes"
    verbose_name = "Procurement rules and routes"
