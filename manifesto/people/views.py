"""Pages about people (docs/people.md): a text's people (its organisers only), accepting an
invitation, my account, and the login page that brings back the account's language. Thin: each
view validates, calls one service, and answers."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manifesto.bounded import parse_ids
from manifesto.errors import InvalidToken, PermissionDenied, ServiceError
from manifesto.models import Invitation, Manifesto
from manifesto.people import account, extensions, forms, selectors, services
from manifesto.people.permissions import can_manage_people

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _forbidden(request, manifesto, message):
    return render(request, "manifesto/forbidden.html", {"manifesto": manifesto, "message": message}, status=403)


def people_manager_only(view):
    """Load the text; visitors go to log in, anyone not organising it gets the 403 page."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        manifesto = get_object_or_404(Manifesto, slug=slug)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_manage_people(request.user, manifesto):
            return _forbidden(request, manifesto, _("Seuls les organisateur·rices de ce texte peuvent gérer ses personnes et leurs rôles."))
        try:
            return view(request, manifesto, *args, **kwargs)
        except PermissionDenied as error:
            return _forbidden(request, manifesto, error.message)

    return wrapper


def _people_url(manifesto) -> str:
    return reverse("people:people", kwargs={"slug": manifesto.slug})


# ----------------------------------------------------------------------------- a text's people


@people_manager_only
def people(request, manifesto):
    form = forms.InviteForm(request.POST or None, manifesto=manifesto)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation = services.invite(
                    actor=request.user, manifesto=manifesto, email=form.cleaned_data["email"], grants=form.grants()
                )
            except PermissionDenied:
                raise
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": invitation.email})
                return redirect(_people_url(manifesto))
        status = 400
    context = {
        "manifesto": manifesto,
        "form": form,
        "sections": selectors.role_sections(manifesto),
        "invitations": selectors.invitations_of(manifesto),
        "changes": selectors.recent_changes(manifesto),
        "invitation_days": settings.INVITATION_DAYS,
    }
    return render(request, "people/people.html", context, status=status)


def _invitation_of(manifesto, pk) -> Invitation:
    return get_object_or_404(Invitation, pk=pk, manifesto=manifesto)


def _act(request, manifesto, call, done: str):
    try:
        call()
    except PermissionDenied:
        raise
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(_people_url(manifesto))


@require_POST
@people_manager_only
def invitation_resend(request, manifesto, pk):
    invitation = _invitation_of(manifesto, pk)
    return _act(request, manifesto, lambda: services.resend(actor=request.user, invitation=invitation),
                _("Invitation renvoyée à %(email)s, avec un nouveau lien.") % {"email": invitation.email})


@require_POST
@people_manager_only
def invitation_revoke(request, manifesto, pk):
    invitation = _invitation_of(manifesto, pk)
    return _act(request, manifesto, lambda: services.revoke_invitation(actor=request.user, invitation=invitation),
                _("Invitation à %(email)s retirée : son lien ne fonctionne plus.") % {"email": invitation.email})


@require_POST
@people_manager_only
def role_revoke(request, manifesto, user_id):
    person = get_object_or_404(get_user_model(), pk=user_id)
    role = request.POST.get("role", "")
    targets = parse_ids(request.POST.getlist("target"))
    name = person.get_full_name() or person.get_username()
    return _act(
        request, manifesto,
        lambda: services.revoke_role(actor=request.user, manifesto=manifesto, user=person, role=role, targets=targets),
        _("Rôle retiré à %(name)s.") % {"name": name},
    )


# ----------------------------------------------------------------------------- accepting


def _invalid_link(request, error):
    return render(request, "people/invitation_invalid.html", {"message": error.message}, status=404)


def _suggested_username(email: str) -> str:
    local = email.split("@")[0]
    return "".join(char for char in local if char.isalnum() or char in "@.+-_")[:150]


def _welcome(request, invitation):
    if invitation.manifesto is not None:
        messages.success(request, _("Bienvenue : vos rôles sur « %(title)s » sont actifs.") % {"title": invitation.manifesto.title})
        return redirect(reverse("manifesto:read", kwargs={"slug": invitation.manifesto.slug}))
    messages.success(request, _("Bienvenue : votre compte d'organisation est prêt."))
    return redirect(reverse("people:account"))


def accept(request, token):
    """The invitation's link. A visitor makes their account; a logged-in person whose address is
    the invited one accepts with one button; anyone else logged in is told to log out first."""
    try:
        invitation = services.invitation_for_token(token)
    except InvalidToken as error:
        return _invalid_link(request, error)
    context = {
        "invitation": invitation,
        "manifesto": invitation.manifesto,
        "labels": selectors.grant_labels(invitation.manifesto, invitation.grants),
    }
    user = request.user
    if user.is_authenticated:
        if request.method == "POST":
            try:
                accepted = services.accept_as(actor=user, token=token)
            except InvalidToken as error:
                return _invalid_link(request, error)
            except ServiceError as error:
                context["refusal"] = error.message
                return render(request, "people/accept.html", context, status=403)
            return _welcome(request, accepted)
        from manifesto.signatures.validation import normalise_email

        if normalise_email(user.email or "") != invitation.email:
            context["refusal"] = _(
                "Cette invitation a été envoyée à une autre adresse que celle de votre compte. "
                "Déconnectez-vous pour l'accepter avec le compte de cette adresse, ou en créer un."
            )
        return render(request, "people/accept.html", context, status=403 if "refusal" in context else 200)
    if services.account_exists_for(invitation.email):
        context["login_first"] = True
        context["login_url"] = f"{reverse('login')}?next={request.path}"
        return render(request, "people/accept.html", context)
    form = forms.NewAccountForm(request.POST or None, initial={"username": _suggested_username(invitation.email)})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                new_user = services.accept_with_new_account(
                    token=token, first_name=data["first_name"], last_name=data["last_name"],
                    username=data["username"], password=data["password1"],
                )
            except InvalidToken as error:
                return _invalid_link(request, error)
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                login(request, new_user, backend=LOGIN_BACKEND)
                invitation.refresh_from_db()
                return _welcome(request, invitation)
        status = 400
    context["form"] = form
    return render(request, "people/accept.html", context, status=status)


# ----------------------------------------------------------------------------- my account


def _language_response(response, language: str):
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE, secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response


class LoginView(auth_views.LoginView):
    """Django's login, which then puts back the language chosen in "Mon compte" on this device."""

    authentication_form = forms.LoginForm

    def form_valid(self, form):
        response = super().form_valid(form)
        return _language_response(response, account.preferred_language(form.get_user()))


def _account_page(request, *, email_form=None, language_form=None, delete_form=None, status=200):
    user = request.user
    context = {
        "roles": selectors.roles_of(user),
        "panels": extensions.render_account_panels(request),
        "email_form": email_form or forms.EmailChangeForm(initial={"email": user.email}),
        "language_form": language_form or forms.LanguageForm(
            initial={"language": account.preferred_language(user) or request.LANGUAGE_CODE}
        ),
        "delete_form": delete_form or forms.DeleteAccountForm(),
    }
    return render(request, "account/account.html", context, status=status)


@login_required
def account_page(request):
    return _account_page(request)


@require_POST
@login_required
def account_email(request):
    form = forms.EmailChangeForm(request.POST)
    if form.is_valid():
        try:
            account.change_email(actor=request.user, email=form.cleaned_data["email"], password=form.cleaned_data["password"])
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Votre adresse électronique est changée."))
            return redirect("people:account")
    return _account_page(request, email_form=form, status=400)


@require_POST
@login_required
def account_language(request):
    form = forms.LanguageForm(request.POST)
    if form.is_valid():
        language = form.cleaned_data["language"]
        account.set_language(actor=request.user, language=language)
        from django.utils import translation

        translation.activate(language)
        messages.success(request, _("Votre langue est enregistrée."))
        return _language_response(redirect("people:account"), language)
    return _account_page(request, language_form=form, status=400)


@login_required
def account_delete(request):
    form = forms.DeleteAccountForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                account.delete_account(actor=request.user, password=form.cleaned_data["password"])
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                logout(request)
                messages.success(request, _("Votre compte est supprimé."))
                return redirect("manifesto:home")
        return render(request, "account/delete.html", {"form": form}, status=400)
    return render(request, "account/delete.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "account/password_change.html"

    def get_success_url(self):
        return reverse("people:account")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session logged in
        messages.success(self.request, _("Votre mot de passe est changé."))
        return response
