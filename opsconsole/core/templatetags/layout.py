"""The layout's navigation, rendered once per role and language in each process.

Its links depend on nothing else, yet they cost every page fourteen URL reversals and twenty translations: about a
fifth of rendering the helpdesk search, the desk's busiest page.
"""
from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()
_rendered: dict[tuple[str, str, str], SafeString] = {}


@register.simple_tag(takes_context=True)
def navigation(context) -> SafeString:
    user = context["user"]
    key = (user.role, get_language(), get_script_prefix())
    if key not in _rendered:
        # _nav.html reads only the role's flags (is_noc, is_staff_member, is_participant) of the user it is given.
        _rendered[key] = render_to_string("_nav.html", {"user": user})
    return _rendered[key]
