from django.urls import path

from manifesto.people import views

app_name = "people"

urlpatterns = [
    path("invitation/<str:token>/", views.accept, name="accept"),
]
