"""Views for the results ledger and rankings."""

from django.shortcuts import render


def index(request):
    return render(request, "leaderboard/index.html")
