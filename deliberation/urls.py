from django.urls import path

from deliberation import views

app_name = "deliberation"

urlpatterns = [
    path("amendements/<int:pk>/", views.amendment_detail, name="amendment"),
    path("amendements/<int:pk>/modifier/", views.edit, name="edit"),
    path("amendements/<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("amendements/<int:pk>/soutenir/", views.support, name="support"),
    path("amendements/<int:pk>/commenter/", views.comment, name="comment"),
    path("amendements/<int:pk>/adopter/", views.accept, name="accept"),
    path("amendements/<int:pk>/annuler-adoption/", views.undo_accept, name="undo_accept"),
    path("amendements/<int:pk>/rejeter/", views.reject, name="reject"),
    path("amendements/<int:pk>/doublon/", views.mark_duplicate, name="duplicate"),
    path("amendements/<int:pk>/masquer/", views.hide, name="hide"),
    path("amendements/<int:pk>/rouvrir/", views.reopen, name="reopen"),
    path("seances/<int:session_pk>/amendements/", views.session_amendments, name="session"),
    path("seances/<int:session_pk>/proposer/", views.propose, name="propose"),
    path("seances/<int:session_pk>/moderation/", views.moderation, name="moderation"),
    path("seances/<int:session_pk>/fusionner/", views.merge, name="merge"),
    path("seances/<int:session_pk>/projeter/", views.show_on_projector, name="show_on_projector"),
    path("seances/<int:session_pk>/projection-rejoindre/", views.set_join_box, name="join_box"),
    path("seances/<int:session_pk>/effacer-mon-nom/", views.erase_me, name="erase_me"),
]
