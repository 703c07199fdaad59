from django.urls import include, path

from manifesto import stage_views, views

app_name = "manifesto"

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("manifesto.drafting.urls")),  # before <slug> routes: /manifeste/nouveau/ is not a text
    path("manifeste/<slug:slug>/", views.read, name="read"),
    path("manifeste/<slug:slug>/historique/", views.history, name="history"),
    path("manifeste/<slug:slug>/article/<int:number>/", views.clause_detail, name="clause"),
    path("manifeste/<slug:slug>/article/<int:number>/origine/", views.clause_provenance, name="provenance"),
    path("manifeste/<slug:slug>/versions/", views.versions, name="versions"),
    path("manifeste/<slug:slug>/versions/comparer/", views.compare, name="compare"),
    path("manifeste/<slug:slug>/versions/figer/", views.version_freeze, name="freeze"),
    path("manifeste/<slug:slug>/versions/<int:number>/", views.version_detail, name="version"),
    path("manifeste/<slug:slug>/versions/<int:number>/texte.txt", views.version_text, name="version_text"),
    # Stages of the process (organisers).
    path("manifeste/<slug:slug>/etapes/", stage_views.stage_list, name="stages"),
    path("manifeste/<slug:slug>/etapes/configurer/", stage_views.stage_configure, name="stage_configure"),
    path("manifeste/<slug:slug>/etapes/clore/", stage_views.stage_close, name="stage_close"),
    path("manifeste/<slug:slug>/etapes/<str:kind>/dates/", stage_views.stage_plan, name="stage_plan"),
    path("manifeste/<slug:slug>/etapes/<str:kind>/ouvrir/", stage_views.stage_open, name="stage_open"),
    path("manifeste/<slug:slug>/etapes/<str:kind>/passer/", stage_views.stage_skip, name="stage_skip"),
    # Organiser editing.
    path("manifeste/<slug:slug>/modifier/", views.edit, name="edit"),
    path("manifeste/<slug:slug>/modifier/parties/ajouter/", views.section_add, name="section_add"),
    path("manifeste/<slug:slug>/modifier/parties/<int:section_id>/renommer/", views.section_rename, name="section_rename"),
    path("manifeste/<slug:slug>/modifier/parties/<int:section_id>/deplacer/", views.section_move, name="section_move"),
    path("manifeste/<slug:slug>/modifier/parties/<int:section_id>/ajouter-article/", views.clause_add, name="clause_add"),
    path("manifeste/<slug:slug>/modifier/article/<int:number>/", views.clause_edit, name="clause_edit"),
    path("manifeste/<slug:slug>/modifier/article/<int:number>/deplacer/", views.clause_move, name="clause_move"),
    path("manifeste/<slug:slug>/modifier/article/<int:number>/supprimer/", views.clause_delete, name="clause_delete"),
]
