from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coproduce.foundation.accounts"
    label = "accounts"
    verbose_name = "People and organisations"
