from django.urls import path

from manifesto.sharing import views

app_name = "sharing"

urlpatterns = [
    path("manifeste/<slug:slug>/partage.png", views.share_image, name="image"),
    path("manifeste/<slug:slug>/historique.atom", views.changes_feed, name="changes_feed"),
    path("signer/<slug:slug>/partager/mastodon/", views.mastodon, name="mastodon"),
]
