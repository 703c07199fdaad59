from django.urls import path

from deliberation.contributions import views

app_name = "contributions"

urlpatterns = [
    path("contributions/confirmer/<str:token>/", views.confirm, name="confirm"),
    path("manifeste/<slug:slug>/contributions/", views.contribution_list, name="list"),
    path("manifeste/<slug:slug>/contributions/proposer/", views.post, name="post"),
    path("manifeste/<slug:slug>/contributions/m-identifier/", views.identify, name="identify"),
    path("manifeste/<slug:slug>/contributions/rediger/", views.draft, name="draft"),
    path("manifeste/<slug:slug>/contributions/<int:number>/", views.contribution_detail, name="detail"),
    path("manifeste/<slug:slug>/contributions/<int:number>/soutenir/", views.support, name="support"),
    path("manifeste/<slug:slug>/contributions/<int:number>/commenter/", views.comment, name="comment"),
    path("manifeste/<slug:slug>/contributions/<int:number>/masquer/", views.hide, name="hide"),
    path("manifeste/<slug:slug>/contributions/<int:number>/doublon/", views.duplicate, name="duplicate"),
    path("manifeste/<slug:slug>/contributions/<int:number>/retablir/", views.restore, name="restore"),
    path("manifeste/<slug:slug>/contributions/<int:number>/ecarter/", views.set_aside, name="set_aside"),
    path("manifeste/<slug:slug>/contributions/<int:number>/reprendre/", views.link, name="link"),
]
