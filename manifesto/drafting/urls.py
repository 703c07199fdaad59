"""Routes of a new text and of a draft's import (docs/drafting.md). Included by manifesto/urls.py
before the `manifeste/<slug>/` routes, so that /manifeste/nouveau/ is not read as a text's address."""

from django.urls import path

from manifesto.drafting import views

app_name = "drafting"

urlpatterns = [
    path("manifeste/nouveau/", views.new_text, name="new"),
    path("manifeste/nouveau/apercu/", views.new_preview, name="new_preview"),
    path("manifeste/<slug:slug>/importer/", views.import_draft, name="import"),
    path("manifeste/<slug:slug>/importer/apercu/", views.import_preview, name="import_preview"),
]
