"""URL patterns of the logbook part (see urls.py)."""

urlpatterns: list = []
