"""URL patterns of the framework part (see urls.py)."""

urlpatterns: list = []
