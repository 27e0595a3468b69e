from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "coproduce.contracts"
    label = "contracts"
    verbose_name = "Contracts"
