from django.apps import AppConfig


class BidsConfig(AppConfig):
    name = "coproduce.bids"
    label = "bids"
    verbose_name = "Bids (sealed until the closing time)"
