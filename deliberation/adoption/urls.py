from django.urls import path

from deliberation.adoption import views

app_name = "adoption"

urlpatterns = [
    path("bulletin/<str:token>/", views.ballot, name="ballot"),
    path("<slug:slug>/", views.manage, name="manage"),
    path("<slug:slug>/<int:pk>/", views.detail, name="detail"),
    path("<slug:slug>/<int:pk>/regles/", views.set_rules, name="rules"),
    path("<slug:slug>/<int:pk>/electeurs/importer/", views.import_roll, name="import"),
    path("<slug:slug>/<int:pk>/electeurs/agoras/", views.add_agoras, name="agoras"),
    path("<slug:slug>/<int:pk>/electeurs/vider/", views.clear_roll, name="clear"),
    path("<slug:slug>/<int:pk>/ouvrir/", views.open_vote, name="open"),
    path("<slug:slug>/<int:pk>/relancer/", views.resend, name="resend"),
    path("<slug:slug>/<int:pk>/clore/", views.close_vote, name="close"),
    path("<slug:slug>/<int:pk>/proclamer/", views.proclaim, name="proclaim"),
    path("<slug:slug>/<int:pk>/resultats/", views.results, name="results"),
    path("<slug:slug>/<int:pk>/participation/", views.turnout, name="turnout"),
    path("<slug:slug>/<int:pk>/recu/", views.receipt, name="receipt"),
]
