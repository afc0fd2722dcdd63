from django.urls import path

from . import views

app_name = "meetings"

org_urlpatterns = [
    path("reunions/", views.index, name="index"),
    path("reunions/nouvelle/", views.new_meeting, name="new"),
    path("reunions/<int:pk>/", views.detail, name="detail"),
    path("reunions/<int:pk>/reponse/", views.rsvp, name="rsvp"),
    path("reunions/<int:pk>/compte-rendu/", views.minutes, name="minutes"),
    path("reunions/<int:pk>/compte-rendu/publier/", views.publish, name="publish"),
    path("reunions/<int:pk>/taches/", views.add_task, name="add_task"),
    path("reunions/taches/<int:pk>/fait/", views.task_done, name="task_done"),
]

urlpatterns = [
    path("reunions/reponse/<str:token>/", views.rsvp_link, name="rsvp_link"),
]
