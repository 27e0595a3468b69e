from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "coproduce.plan.evaluation_models"
    label = "evaluation"
    verbose_name = "Evaluation models"
