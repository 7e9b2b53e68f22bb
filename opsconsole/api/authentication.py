"""`Authorization: Bearer <personal token>`: the request acts as the token's owner, with the owner's role."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from .models import ApiToken

UNKNOWN = _("This API token is unknown or revoked; make a new one on your account's API tokens page.")


class PersonalTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != b"bearer":
            return None
        if len(words) != 2:
            raise AuthenticationFailed(_("Send the token as “Authorization: Bearer <token>”."))
        try:
            token = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(UNKNOWN) from None
        found = ApiToken.holder(token)
        if found is None or not found.user.is_active:
            raise AuthenticationFailed(UNKNOWN)
        found.note_use()
        return found.user, found

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = PersonalTokenAuthentication
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")
