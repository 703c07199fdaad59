from django.urls import path

from deliberation.editorial import views

app_name = "editorial"

DESK = "manifeste/<slug:slug>/redaction/"

urlpatterns = [
    path(DESK, views.desk, name="desk"),
    path(DESK + "journal/", views.journal, name="journal"),
    path(DESK + "integrer/", views.integrate, name="integrate"),
    path(DESK + "rediger/", views.wording, name="wording"),
    path(DESK + "ecarter/", views.set_aside, name="set_aside"),
    path(DESK + "reporter/", views.defer, name="defer"),
]
