"""The home page: the dashboard of the user's scope."""

from django.shortcuts import render

from forsa.reporting.selectors import dashboard


def home(request):
    return render(request, "reporting/home.html", dashboard(user=request.user))
