from django.apps import AppConfig


class TendersConfig(AppConfig):
    name = "coproduce.procure.tenders"
    label = "tenders"
    verbose_name = "Tenders and the opportunity portal"
