from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "coproduce.procure.awards"
    label = "awards"
    verbose_name = "Award decisions, standstill and feedback letters"
