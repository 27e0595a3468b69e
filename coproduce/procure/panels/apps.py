from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "coproduce.procure.panels"
    label = "panels"
    verbose_name = "Evaluation panels, scores and moderation"
