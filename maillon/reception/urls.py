from django.urls import path

from . import views

app_name = "reception"

# Under « messages/ »: « accueil/ » is the organisation's home page (content app).
org_urlpatterns = [
    path("messages/", views.history, name="history"),
    path("messages/accueil/", views.sheet, name="sheet"),
    path("messages/accueil/telephone/", views.new_message, name="new_message"),
    path("messages/accueil/visite/", views.new_notice, name="new_notice"),
    path("messages/accueil/aujourdhui/", views.today, name="today"),
    path("messages/reglages/", views.settings_view, name="settings"),
    path("messages/<int:pk>/", views.message, name="message"),
    path("messages/<int:pk>/traite/", views.message_handled, name="message_handled"),
    path("messages/<int:pk>/distribue/", views.message_delivered, name="message_delivered"),
    path("messages/visites/<int:pk>/", views.notice, name="notice"),
    path("messages/visites/<int:pk>/distribue/", views.notice_delivered, name="notice_delivered"),
]
