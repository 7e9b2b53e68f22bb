from django import template

from ..private_address import chosen_os, steps_for

register = template.Library()


@register.simple_tag
def private_address_steps(request) -> list[tuple[str, str]]:
    return steps_for(chosen_os(request))
