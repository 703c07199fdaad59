from django.urls import path

from deliberation.editorial import views

app_name = "editorial"

# Mounted at manifeste/<slug>/redaction/ (config/urls.py).
urlpatterns = [
    path("", views.desk, name="desk"),
    path("journal/", views.journal, name="journal"),
    path("integrer/", views.integrate, name="integrate"),
    path("rediger/", views.wording, name="wording"),
    path("ecarter/", views.set_aside, name="set_aside"),
    path("reporter/", views.defer, name="defer"),
]
