"""``{% memo "name" key… %}…{% endmemo %}``: a fragment of the layout drawn once per process for
each language and key, then copied (issue 14).

The navigation, the header's links and the body's messages are the same on every page a person
opens, yet the template engine drew them again at every request (a tenth of the dashboard's CPU:
every node, ``{% url %}``, ``{% translate %}`` and ``{% icon %}``). What the fragment shows must
depend only on the active language and the keys given: never put in it a CSRF token, a nonce, a
count or anything else of the request. The name keeps two fragments with the same keys apart; a
key that is None draws the fragment afresh, without keeping it (``form|unbound_key`` of a bound form).
The memory is bounded (emptied past ``LIMIT`` fragments)."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

LIMIT = 4096
_fragments: dict[tuple, str] = {}


class MemoNode(template.Node):
    def __init__(self, nodelist, name, keys):
        self.nodelist, self.name, self.keys = nodelist, name, keys

    def render(self, context):
        values = [k.resolve(context) for k in self.keys]
        if any(v is None for v in values):  # a key that says « not this time » (a bound form)
            return self.nodelist.render(context)
        key = (self.name, _language(context), *(_hashable(v) for v in values))
        html = _fragments.get(key)
        if html is None:
            if len(_fragments) >= LIMIT:
                _fragments.clear()
            html = _fragments[key] = mark_safe(self.nodelist.render(context))  # noqa: S308 - drawn by the template engine, escaped there
        return html


def _language(context) -> str:
    """The active language, read once per rendering (``get_language()`` goes through asgiref's
    context-local storage: a tenth of the memo's time, and a page holds twenty of them). No template
    of the project switches language while it renders (``{% language %}``)."""
    language = getattr(context, "_memo_language", None)
    if language is None:
        language = context._memo_language = get_language()
    return language


def _hashable(value):
    return tuple(_hashable(v) for v in value) if isinstance(value, list | tuple) else value


@register.tag
def memo(parser, token):
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'":
        raise template.TemplateSyntaxError("{% memo \"name\" key… %} needs a quoted name")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]])

