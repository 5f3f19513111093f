from django.contrib.auth.middleware import LoginRequiredMiddleware as _LoginRequiredMiddleware
from django.utils.cache import add_never_cache_headers, patch_cache_control


class NoStoreMiddleware:
    """Pages seen by a signed-in user may hold personal data: never cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        return response


class LoginRequiredMiddleware(_LoginRequiredMiddleware):
    """Every page needs a signed-in user unless marked @login_not_required.

    The API answers 401 itself (session or token auth) instead of redirecting.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
