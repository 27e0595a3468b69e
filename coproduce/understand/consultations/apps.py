from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "coproduce.understand.consultations"
    label = "engagement"
    verbose_name = "Consultations and findings"
