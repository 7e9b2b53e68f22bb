"""View decorators that enforce the three roles."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .models import Role


def role_required(*roles: Role):
    """Allow only signed-in users holding one of `roles`; others get 403 (anonymous users go to login)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied("Your role may not open this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


noc_required = role_required(Role.NOC)
staff_required = role_required(Role.NOC, Role.HELPDESK)
