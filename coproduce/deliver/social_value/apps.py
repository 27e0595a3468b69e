from django.apps import AppConfig


class SocialValueConfig(AppConfig):
    name = "coproduce.deliver.social_value"
    label = "social_value"
    verbose_name = "Social value and SROI"
