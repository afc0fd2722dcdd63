from django.urls import path

from . import views, views_minutes

app_name = "meetings"

org_urlpatterns = [
    path("reunions/", views.index, name="index"),
    path("reunions/nouvelle/", views.new_meeting, name="new"),
    path("reunions/types/", views.types, name="types"),
    path("reunions/types/<int:pk>/", views.types, name="type_edit"),
    path("reunions/<int:pk>/", views.detail, name="detail"),
    path("reunions/<int:pk>/reponse/", views.rsvp, name="rsvp"),
    path("reunions/<int:pk>/modifier/", views.reschedule, name="reschedule"),
    path("reunions/<int:pk>/modifier/details/", views.edit_details, name="edit_details"),
    path("reunions/<int:pk>/annuler/", views.cancel, name="cancel"),
    path("reunions/<int:pk>/emargement/", views.attendance_sheet, name="attendance_sheet"),
    path("reunions/<int:pk>/emargement.pdf", views.attendance_sheet_pdf, name="attendance_sheet_pdf"),
    path("reunions/<int:pk>/emargement/signer/", views.sign_attendance, name="sign_attendance"),
    path("reunions/<int:pk>/compte-rendu/", views_minutes.minutes, name="minutes"),
    path("reunions/<int:pk>/compte-rendu.pdf", views_minutes.minutes_pdf, name="minutes_pdf"),
    path("reunions/<int:pk>/compte-rendu/publier/", views_minutes.publish, name="publish"),
    path("reunions/<int:pk>/compte-rendu/demander/", views_minutes.ask_contributions, name="ask_contributions"),
    path("reunions/<int:pk>/taches/", views_minutes.add_task, name="add_task"),
    path("reunions/<int:pk>/taches/toutes/", views_minutes.tasks, name="tasks"),
    path("reunions/<int:pk>/compte-rendu/points/", views_minutes.add_outcome, name="add_outcome"),
    path("reunions/<int:pk>/compte-rendu/points/<int:opk>/modifier/", views_minutes.edit_outcome, name="edit_outcome"),
    path("reunions/<int:pk>/compte-rendu/points/<int:opk>/supprimer/", views_minutes.delete_outcome, name="delete_outcome"),
    path("reunions/<int:pk>/compte-rendu/presences/", views_minutes.record_attendance, name="attendance"),
    path("reunions/<int:pk>/compte-rendu/quorum/", views_minutes.record_quorum, name="quorum"),
    path("reunions/<int:pk>/compte-rendu/financement/", views_minutes.funding_followup, name="funding_followup"),
    path("reunions/taches/<int:pk>/fait/", views_minutes.task_done, name="task_done"),
]

urlpatterns = [
    path("reunions/reponse/<str:token>/", views.rsvp_link, name="rsvp_link"),
]
