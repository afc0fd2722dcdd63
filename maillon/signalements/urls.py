"""Public pages under /<commune>/signalements/ (slug kwarg ``commune``), staff pages under
/<org>/signalements/gestion/ (the public list holds /<commune>/signalements/ itself: a commune's
slug is its organisation's). A tracking number is « S- » and 8 letters or digits, so « gestion »
and « nouveau » are never read as one."""

from django.urls import path, register_converter

from . import views
from .models import REFERENCE_PATTERN


class ReferenceConverter:
    regex = REFERENCE_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ReferenceConverter, "signalement_ref")

app_name = "signalements"

urlpatterns = [
    path("<org:commune>/signalements/", views.public_list, name="public_list"),
    path("<org:commune>/signalements/nouveau/", views.public_create, name="public_create"),
    path("<org:commune>/signalements/<signalement_ref:ref>/", views.public_detail, name="public_detail"),
]

org_urlpatterns = [
    path("signalements/gestion/", views.staff_list, name="index"),
    path("signalements/gestion/categories/", views.categories, name="categories"),
    path("signalements/gestion/categories/<int:pk>/supprimer/", views.category_delete, name="category_delete"),
    path("signalements/gestion/<signalement_ref:ref>/", views.staff_detail, name="staff_detail"),
    path("signalements/gestion/<signalement_ref:ref>/photo/", views.staff_photo, name="staff_photo"),
]
