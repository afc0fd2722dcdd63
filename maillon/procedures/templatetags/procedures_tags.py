from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:key }}``: a dict value in a template."""
    return (mapping or {}).get(key, key)
