"""Public pages of a commune's participation (kwarg ``commune``) and the staff's pages (``org``)."""

from django.urls import path

from . import views, views_public

app_name = "participation"

urlpatterns = [
    path("<org:commune>/consultations/", views_public.consultations, name="consultations"),
    path("<org:commune>/consultations/<int:pk>/", views_public.consultation, name="consultation"),
    path("<org:commune>/idees/", views_public.ideas, name="ideas"),
    path("<org:commune>/idees/proposer/", views_public.propose, name="propose"),
    path("<org:commune>/idees/<int:pk>/", views_public.idea, name="idea"),
    path("<org:commune>/idees/<int:pk>/soutenir/", views_public.support, name="support"),
    path("<org:commune>/idees/<int:pk>/retirer-mon-soutien/", views_public.unsupport, name="unsupport"),
]

org_urlpatterns = [
    path("participation/", views.index, name="index"),
    path("participation/consultations/", views.consultations, name="staff_consultations"),
    path("participation/consultations/nouvelle/", views.consultation_create, name="staff_consultation_create"),
    path("participation/consultations/<int:pk>/", views.consultation_detail, name="staff_consultation"),
    path("participation/consultations/<int:pk>/modifier/", views.consultation_edit, name="staff_consultation_edit"),
    path("participation/consultations/<int:pk>/cloturer/", views.consultation_close, name="staff_consultation_close"),
    path("participation/consultations/<int:pk>/publier/", views.consultation_publish, name="staff_consultation_publish"),
    path("participation/consultations/<int:pk>/export.csv", views.consultation_export, name="staff_consultation_export"),
    path("participation/idees/", views.ideas, name="staff_ideas"),
    path("participation/idees/<int:pk>/", views.idea_detail, name="staff_idea"),
]
