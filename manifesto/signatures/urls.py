from django.urls import path

from manifesto.signatures import views

app_name = "signatures"

urlpatterns = [
    path("sante/", views.health, name="health"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("gerer/<int:pk>/<str:token>/", views.manage, name="manage"),
    path("<slug:slug>/", views.sign, name="sign"),
    path("<slug:slug>/merci/", views.sent, name="sent"),
    path("<slug:slug>/renvoyer/", views.resend, name="resend"),
    path("<slug:slug>/signataires/", views.public_list, name="list"),
    path("<slug:slug>/recu/", views.receipt, name="receipt"),
    path("<slug:slug>/compteur/", views.counter, name="counter"),
    path("<slug:slug>/organiser/", views.dashboard, name="dashboard"),
    path("<slug:slug>/organiser/export.csv", views.export_csv, name="export"),
]
