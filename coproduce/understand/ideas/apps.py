from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "coproduce.understand.ideas"
    label = "ideas"
    verbose_name = "Ideas board"
