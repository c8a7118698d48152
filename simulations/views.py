"""Views for timed mock reception scenarios."""

from django.shortcuts import render


def index(request):
    return render(request, "simulations/index.html")
