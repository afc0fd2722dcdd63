from django import template
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe

from maillon.ui.dates import format_date

register = template.Library()


@register.filter
def page_url(page, organisation_slug):
    """Maillon address of a content page (non-specific pages work: url_path only)."""
    from maillon.content.models import MaillonPage

    return MaillonPage.maillon_url(page, organisation_slug)


@register.simple_tag
def news_items(items, organisation_slug):
    """The news list (dashboard panel, home page): drawn here rather than by a template loop (a
    link, two dates and a label per item were a tenth of the dashboard's template time, issue 14)."""
    from maillon.content.models import MaillonPage

    rows = []
    for n in items:
        intro = f"<br>{escape(n.intro)}" if n.intro else ""
        rows.append(
            f'<li><a href="{escape(MaillonPage.maillon_url(n, organisation_slug))}"><strong>{escape(n.title)}</strong></a><br>'
            f'<span class="muted"><time datetime="{format_date(n.date, "Y-m-d")}">{escape(format_date(n.date, "j F Y"))}</time>'
            f" · {escape(n.get_category_display())}</span>{intro}</li>"
        )
    return mark_safe(f'<ul class="list news-list">{"".join(rows)}</ul>')  # noqa: S308 - every value in it is escaped


@register.filter
def lookup(mapping, key):
    return (mapping or {}).get(key, [])


@register.simple_tag(takes_context=True)
def org_image(context, image, spec="width-800", css_class="content-image"):
    """An <img> of a Wagtail image served by ``views.image`` (members only), never /media/."""
    from django.urls import reverse
    from django.utils.html import format_html

    from maillon.content.images import IMAGE_SPECS

    organisation = getattr(context.get("request"), "organisation", None) or context.get("organisation")
    if image is None or organisation is None or spec not in IMAGE_SPECS:
        return ""
    rendition = image.get_rendition(spec)
    url = reverse("content:image", kwargs={"org": organisation.slug, "pk": image.pk, "spec": spec})
    return format_html('<img src="{}" width="{}" height="{}" alt="{}" class="{}" loading="lazy">', url, rendition.width, rendition.height, image.title, css_class)
