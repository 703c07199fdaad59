from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from manifesto.people import views as people_views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask every site for /favicon.ico: the static icon (resolved per request, hashed name).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.ico"), permanent=False)),
    path("admin/", admin.site.urls),
    path("connexion/", people_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    # Deliberation's pages under agoras/ and manifeste/ (agora report, collective): before those apps'.
    path("", include("deliberation.answers.urls")),
    path("agoras/", include("agora.urls")),
    path("deliberation/", include("deliberation.urls")),
    # Link previews, share links and the text's feed, under manifeste/ and signer/ (docs/publishing.md).
    path("", include("manifesto.sharing.urls")),
    path("signer/", include("manifesto.signatures.urls")),
    path("vote/", include("deliberation.adoption.urls")),
    path("", include("deliberation.contributions.urls")),
    path("", include("deliberation.editorial.urls")),
    path("api/v1/", include("deliberation.publishing.api.urls")),
    path("", include("deliberation.publishing.urls")),
    path("", include("manifesto.people.urls")),
    path("", include("manifesto.urls")),
]
