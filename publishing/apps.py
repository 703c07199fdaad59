from django.apps import AppConfig


class PublishingConfig(AppConfig):
    """What the platform publishes for reading elsewhere: the open API (and exports, PDFs).

    It only reads: it may import `deliberation`, `agora` and `manifesto`; none of them imports it.
    """

    name = "publishing"
    verbose_name = "Publication"
