from django.apps import AppConfig


class BudgetingConfig(AppConfig):
    name = "coproduce.understand.participatory_budgeting"
    label = "budgeting"
    verbose_name = "Participatory budgeting"
