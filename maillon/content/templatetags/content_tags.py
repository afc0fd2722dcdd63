from django import template

register = template.Library()


@register.filter
def page_url(page, organisation_slug):
    """Maillon address of a content page (non-specific pages work: url_path only)."""
    from maillon.content.models import MaillonPage

    return MaillonPage.maillon_url(page, organisation_slug)


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
