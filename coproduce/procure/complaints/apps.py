from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "coproduce.procure.complaints"
    label = "complaints"
    verbose_name = "Complaints about tenders"
