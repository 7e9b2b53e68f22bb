from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_delete, post_save


class AccountsConfig(AppConfig):
    name = "opsconsole.accounts"
    label = "accounts"
    verbose_name = "People and roles"

    def ready(self) -> None:
        from .signed_in import forget_user

        post_save.connect(forget_user, sender=settings.AUTH_USER_MODEL, dispatch_uid="forget-signed-in-user")
        post_delete.connect(forget_user, sender=settings.AUTH_USER_MODEL, dispatch_uid="forget-signed-in-user-deleted")
