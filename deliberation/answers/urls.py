from django.urls import path

from deliberation.answers import views

app_name = "deliberation_answers"

urlpatterns = [
    path("agoras/<slug:slug>/bilan/", views.agora_report, name="report"),
    path("manifeste/<slug:slug>/suites.json", views.progress, name="progress"),
    path("manifeste/<slug:slug>/collectif/", views.collective, name="collective"),
    path("manifeste/<slug:slug>/collectif/mode/", views.collective_mode, name="collective_mode"),
    path("manifeste/<slug:slug>/collectif/ajouter/", views.collective_add, name="collective_add"),
    path("manifeste/<slug:slug>/collectif/retirer/<int:user_id>/", views.collective_remove, name="collective_remove"),
]
