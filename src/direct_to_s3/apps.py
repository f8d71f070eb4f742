from django.apps import AppConfig


class DirectToS3Config(AppConfig):
    name = "direct_to_s3"
    verbose_name = "Direct uploads to S3"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from direct_to_s3 import checks, s3  # noqa: F401  (registers checks and signal receivers)
