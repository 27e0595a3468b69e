from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "coproduce.deliver.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring returns"
