"""Sign-in, language, profile and personal API tokens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forsa.accounts import selectors, services
from forsa.accounts.forms import ApiTokenForm, LanguageForm, LoginForm
from forsa.core.views import scoped_or_404

login = login_not_required(auth_views.LoginView.as_view(
    template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True,
))
logout = auth_views.LogoutView.as_view()
password_reset = login_not_required(auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html", success_url=reverse_lazy("accounts:password_reset_done"),
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
))
password_reset_done = login_not_required(auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"))
password_reset_confirm = login_not_required(auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html", success_url=reverse_lazy("accounts:password_reset_complete")))
password_reset_complete = login_not_required(auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"))


@login_not_required
@require_POST
def language(request):
    """Switch language: saved on the user when signed in, in a cookie otherwise."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = redirect(target)
    if form.is_valid():
        code = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_set_language(actor=request.user, user=request.user, language=code)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600,
                            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=True, samesite="Lax")
    return response


def profile(request):
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.api_token_create(actor=request.user, name=form.cleaned_data["name"])
        messages.success(request, _("Token created. Copy it now: it will not be shown again."))
        form = ApiTokenForm()
    return render(request, "accounts/profile.html", {
        "form": form, "new_token": new_token,
        "tokens": selectors.api_token_list(user=request.user),
        "memberships": selectors.membership_list(user=request.user),
    })


@require_POST
def token_revoke(request, pk):
    token = scoped_or_404(selectors.api_token_get, user=request.user, pk=pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")
