"""Shared view plumbing, and the home dashboard."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render

from forsa.core.pagination import ListPaginator
from forsa.reporting.selectors import dashboard


def scoped_or_404(selector, **kwargs):
    """Call a selector for one object; out of scope and missing look the same (404)."""
    try:
        return selector(**kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


def paginate(request, queryset, per_page=None, deferred_join=False):
    paginator = ListPaginator(queryset, per_page or settings.FORSA_PAGE_SIZE, deferred_join=deferred_join)
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


def home(request):
    return render(request, "core/home.html", dashboard(user=request.user))
