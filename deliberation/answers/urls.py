from django.urls import path

from deliberation.answers import feeds, views

app_name = "deliberation_answers"

urlpatterns = [
    path("agoras/<slug:slug>/bilan/", views.agora_report, name="report"),
    path("agoras/<slug:slug>/bilan.atom", feeds.report_feed, name="report_feed"),
    path("manifeste/<slug:slug>/suites.atom", feeds.answers_feed, name="answers_feed"),
    path("manifeste/<slug:slug>/suites.json", views.progress, name="progress"),
    path("manifeste/<slug:slug>/collectif/", views.collective, name="collective"),
    path("manifeste/<slug:slug>/collectif/mode/", views.collective_mode, name="collective_mode"),
    path("manifeste/<slug:slug>/collectif/ajouter/", views.collective_add, name="collective_add"),
    path("manifeste/<slug:slug>/collectif/retirer/<int:user_id>/", views.collective_remove, name="collective_remove"),
]
