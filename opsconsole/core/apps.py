from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class CoreConfig(AppConfig):
    name = "opsconsole.core"
    label = "core"
    verbose_name = "Console processes"

    def ready(self) -> None:
        from django.middleware import csrf

        from .csrf_randomness import ALPHABET, LENGTH, random_csrf_string

        if (csrf.CSRF_ALLOWED_CHARS, csrf.CSRF_SECRET_LENGTH) != (ALPHABET, LENGTH) or not callable(
                getattr(csrf, "_get_new_csrf_string", None)):
            raise ImproperlyConfigured("Django's CSRF tokens changed form: opsconsole/core/csrf_randomness.py no "
                                       "longer matches them")
        # Django draws each character of a token's mask with a getrandom call of its own (see csrf_randomness).
        csrf._get_new_csrf_string = random_csrf_string
