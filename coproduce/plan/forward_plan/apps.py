from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "coproduce.plan.forward_plan"
    label = "pipeline"
    verbose_name = "Forward plan and supplier events"
