"""Shared view plumbing (the home dashboard is reporting's)."""

from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from forsa.core import scoping
from forsa.core.pagination import COUNT_CAP, ListPaginator


def persons_only(view):
    """Partner viewers see aggregates, never a person: pages about persons are 404 for them."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scoping.scope_of(request.user).sees_persons:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def scoped_or_404(selector, **kwargs):
    """Call a selector for one object; out of scope and missing look the same (404)."""
    try:
        return selector(**kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


def scoped_for(request, selector, pk, permission=None):
    """The object (404 out of scope), if the user may do ``permission`` on it (403 otherwise)."""
    obj = scoped_or_404(selector, user=request.user, pk=pk)
    if permission and not scoping.can(request.user, permission, obj):
        raise PermissionDenied
    return obj


def form_action(request, form, service, *, template, context, done, success_url, using):
    """A form that runs one service (with ``using`` and the form's data), then goes to ``success_url``."""
    if request.method == "POST" and form.is_valid():
        if run_service(form, service, actor=request.user, **using, **form.service_fields()):
            messages.success(request, done)
            return redirect(success_url)
    return render(request, template, {"form": form} | context)


def stored_file(field_file, name):
    """A stored upload as a download named ``name`` (with its extension); 404 when there is none."""
    if not field_file:
        raise Http404
    return FileResponse(field_file.open("rb"), as_attachment=True, filename=f"{name}{Path(field_file.name).suffix}")


def paginate(request, queryset, per_page=None, deferred_join=False, count=None):
    """A page of ``queryset``; ``count``, when the caller knows how many rows there are (a stored count),
    saves counting them."""
    paginator = ListPaginator(queryset, per_page or settings.FORSA_PAGE_SIZE, deferred_join=deferred_join)
    if count is not None:
        paginator.count = min(count, COUNT_CAP + 1)  # as capped_count says it
    return paginator.get_page(request.GET.get("page"))


def run_service(form, service, denied=None, **kwargs):
    """Call a write service with a valid form's data; its validation errors land on the form.

    ``denied`` = (field, message) turns a refusal by role or scope into that field's error,
    where the user chose the target in the form (e.g. the commune of a new centre).
    """
    try:
        return service(**kwargs)
    except PermissionDenied:
        if denied is None:
            raise
        form.add_error(*denied)
        return None
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None


def list_template(request, template):
    """htmx asks for the results only (filters update the list in place)."""
    return template.replace(".html", "_results.html") if request.htmx else template
