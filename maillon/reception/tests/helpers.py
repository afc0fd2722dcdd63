from django.urls import reverse


def url(name, org="essais", **kwargs):
    """A reception page's address in the test organisation (or ``org``)."""
    return reverse(f"reception:{name}", kwargs={"org": org, **kwargs})
