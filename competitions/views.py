"""Views for live skills drills over WebSockets."""

from django.shortcuts import render


def index(request):
    return render(request, "competitions/index.html")
