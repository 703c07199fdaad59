from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from manifesto.people import passwords, views

app_name = "people"

urlpatterns = [
    # A text's people (its organisers).
    path("manifeste/<slug:slug>/personnes/", views.people, name="people"),
    path("manifeste/<slug:slug>/personnes/invitations/<int:pk>/renvoyer/", views.invitation_resend, name="invitation_resend"),
    path("manifeste/<slug:slug>/personnes/invitations/<int:pk>/retirer/", views.invitation_revoke, name="invitation_revoke"),
    path("manifeste/<slug:slug>/personnes/<int:user_id>/retirer-role/", views.role_revoke, name="role_revoke"),
    # The invitation's link.
    path("invitation/<str:token>/", views.accept, name="accept"),
    # My account.
    path("compte/", views.account_page, name="account"),
    path("compte/adresse/", views.account_email, name="account_email"),
    path("compte/langue/", views.account_language, name="account_language"),
    path("compte/supprimer/", views.account_delete, name="account_delete"),
    path("compte/mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    # Forgotten password: Django's views, French addresses, the same answer for any address.
    path(
        "mot-de-passe/oublie/",
        auth_views.PasswordResetView.as_view(
            form_class=passwords.QueuedPasswordResetForm,
            template_name="registration/password_reset_form.html",
            success_url=reverse_lazy("people:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_reset_confirm.html",
            success_url=reverse_lazy("people:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/change/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
