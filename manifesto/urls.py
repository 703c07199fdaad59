from django.urls import path

from manifesto import views

app_name = "manifesto"

urlpatterns = [
    path("", views.home, name="home"),
    path("manifeste/<slug:slug>/", views.read, name="read"),
    path("manifeste/<slug:slug>/article/<int:number>/", views.clause_detail, name="clause"),
    path("manifeste/<slug:slug>/versions/<int:number>/", views.version_detail, name="version"),
]
