from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "coproduce.pipeline"
    label = "pipeline"
    verbose_name = "Forward plan and supplier events"
