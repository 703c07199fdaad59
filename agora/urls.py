from django.urls import path

from agora import views

app_name = "agora"

urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("nouvelle/", views.create, name="create"),
    path("importer/<slug:manifesto_slug>/", views.import_agoras, name="import"),
    path("rejoindre/", views.join, name="join"),
    path("rejoindre/<str:code>/", views.join, name="join_code"),
    path("en-ligne/<slug:slug>/", views.online, name="online"),
    path("en-ligne/<slug:slug>/ouvrir/", views.online_open, name="online_open"),
    path("en-ligne/<slug:slug>/fermer/", views.online_close, name="online_close"),
    path("seance/<int:pk>/", views.room, name="room"),
    path("seance/<int:pk>/main/", views.hand, name="hand"),
    path("seance/<int:pk>/animer/", views.console, name="console"),
    path("seance/<int:pk>/projection/", views.projector, name="projector"),
    path("seance/<int:pk>/projection/article.json", views.projector_article, name="projector_article"),
    path("seance/<int:pk>/qr.svg", views.qr_code, name="qr"),
    path("seance/<int:pk>/phase/", views.control_phase, name="control_phase"),
    path("seance/<int:pk>/focus/", views.control_focus, name="control_focus"),
    path("seance/<int:pk>/minuteur/", views.control_timer, name="control_timer"),
    path("seance/<int:pk>/file/", views.control_queue, name="control_queue"),
    path("seance/<int:pk>/fermer/", views.control_close, name="control_close"),
    path("seance/<int:pk>/aide/masquer/", views.checklist_dismiss, name="checklist_dismiss"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/ouvrir/", views.open_session, name="open_session"),
    path("<slug:slug>/agora.ics", views.calendar_file, name="calendar"),
    path("<slug:slug>/inscriptions.csv", views.registrations_csv, name="registrations_csv"),
]
