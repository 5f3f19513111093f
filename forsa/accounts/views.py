"""Sign-in (with its second factor), language, profile and personal API tokens."""

import textwrap
from base64 import b32encode

import qrcode
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from forsa.accounts import selectors, services
from forsa.accounts.forms import ApiTokenForm, LanguageForm, LoginForm, OtpTokenForm
from forsa.core.views import run_service, scoped_or_404

PENDING_DEVICE = "forsa_pending_totp_device"
CHOSEN_LANGUAGE = "forsa_language_chosen"  # a language chosen before signing in (kept through the sign-in)


class LoginView(auth_views.LoginView):
    """Sign-in. A language chosen on the sign-in page becomes the user's own (it would otherwise give way to
    the one saved on them, silently)."""

    def form_valid(self, form):
        chosen = self.request.session.pop(CHOSEN_LANGUAGE, None)
        response = super().form_valid(form)
        user = form.get_user()
        if chosen and chosen != user.language:
            services.user_set_language(actor=user, user=user, language=chosen)
        return response


login = login_not_required(LoginView.as_view(
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


def _next_url(request, default="/"):
    target = request.POST.get("next") or request.GET.get("next") or default
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()) else default


@login_not_required
@require_POST
def language(request):
    """Switch language: saved on the user when signed in, in a cookie otherwise."""
    form = LanguageForm(request.POST)
    response = redirect(_next_url(request))
    if form.is_valid():
        code = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_set_language(actor=request.user, user=request.user, language=code)
        else:
            request.session[CHOSEN_LANGUAGE] = code
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
        "two_factor": selectors.two_factor_device(user=request.user),
        "two_factor_required": selectors.two_factor_required(user=request.user),
    })


@require_POST
def token_revoke(request, pk):
    token = scoped_or_404(selectors.api_token_get, user=request.user, pk=pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")


# ---------------------------------------------------------------------------
# Two-factor sign-in


def two_factor_setup(request):
    """Scan the QR code (or type the key), then prove it with a first code."""
    device = TOTPDevice.objects.filter(pk=request.session.get(PENDING_DEVICE), user=request.user,
                                       confirmed=False).first()
    if device is None:
        device = services.two_factor_begin(actor=request.user)
        request.session[PENDING_DEVICE] = device.pk
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.two_factor_confirm, actor=request.user, device=device,
                       token=form.cleaned_data["token"]):
            otp_login(request, device)
            request.session.pop(PENDING_DEVICE, None)
            messages.success(request, _("Two-factor sign-in is on: you will be asked for a code each time."))
            return redirect(_next_url(request, default=reverse("accounts:profile")))
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "next": _next_url(request, default=""), "qr_code": _qr_svg(device.config_url),
        "key": " ".join(textwrap.wrap(b32encode(device.bin_key).decode(), 4)),
        "required": selectors.two_factor_required(user=request.user),
    })


def two_factor_verify(request):
    """The second step of sign-in for a user with an authenticator."""
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = run_service(form, services.two_factor_check, actor=request.user, token=form.cleaned_data["token"])
        if device:
            otp_login(request, device)
            return redirect(_next_url(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request, default="")})


@require_POST
def two_factor_remove(request):
    services.two_factor_remove(actor=request.user)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("accounts:profile")


def _qr_svg(data: str) -> str:
    """The QR code as inline SVG markup (no image request, nothing sent elsewhere)."""
    image = qrcode.make(data, image_factory=SvgPathImage, box_size=8, border=2)
    return mark_safe(image.to_string(encoding="unicode").split("?>", 1)[-1])  # noqa: S308 (our own SVG)
