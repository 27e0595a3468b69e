from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "coproduce.deliver.contracts"
    label = "contracts"
    verbose_name = "Contracts"
