from django.urls import path

from deliberation.publishing.api import views

app_name = "api"

urlpatterns = [
    path("", views.index, name="index"),
    path("manifestes/", views.manifesto_list, name="manifestos"),
    path("manifestes/<slug:slug>/", views.manifesto_detail, name="manifesto"),
    path("manifestes/<slug:slug>/versions/", views.version_list, name="versions"),
    path("manifestes/<slug:slug>/versions/<int:number>/", views.version_detail, name="version"),
    path("manifestes/<slug:slug>/articles/<int:number>/", views.article_detail, name="article"),
    path("manifestes/<slug:slug>/amendements/", views.amendment_list, name="amendments"),
    path("manifestes/<slug:slug>/agoras/", views.agora_list, name="agoras"),
    path("manifestes/<slug:slug>/signatures/", views.signature_counts, name="signatures"),
]
