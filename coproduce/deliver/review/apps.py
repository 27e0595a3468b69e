from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "coproduce.deliver.review"
    label = "review"
    verbose_name = "Review and decommissioning"
