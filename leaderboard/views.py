"""The 比学赶超 board: rankings by person and team, by week, month or all time."""

from django.shortcuts import render
from django.utils import timezone

from . import selectors


def index(request):
    period = request.GET.get("period", "week")
    if period not in selectors.PERIODS:
        period = "week"
    now = timezone.now()
    center_id = request.user.center_id
    people = selectors.person_ranking(center_id=center_id, period=period, now=now)
    context = {
        "period": period,
        "periods": selectors.PERIODS.items(),
        "people": people,
        "teams": selectors.team_ranking(center_id=center_id, period=period, now=now),
        "me": next((row for row in people if row.person_id == request.user.pk), None),
        "target": selectors.catch_target(people, person_id=request.user.pk),
    }
    template = "leaderboard/partials/boards.html" if request.htmx else "leaderboard/index.html"
    return render(request, template, context)
