from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "coproduce.deliver.feedback"
    label = "feedback"
    verbose_name = "What people say: feedback and mystery shopping"
