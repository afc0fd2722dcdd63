"""URL patterns of the publications part (see urls.py)."""

urlpatterns: list = []
