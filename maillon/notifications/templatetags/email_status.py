from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def email_disabled() -> bool:
    """EMAIL_URL=none: pages that would send an e-mail say that none will leave."""
    return getattr(settings, "EMAIL_DISABLED", False)
