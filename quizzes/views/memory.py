"""The supervisor's view of what the team still holds: FSRS retention per clerk and area."""

from django.shortcuts import render
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import role_required
from leaderboard.mastery import GOOD_FROM, WEAK_BELOW

from ..memory_selectors import retention_table


@role_required(Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)
def retention(request):
    table = retention_table(viewer=request.user, at=timezone.now())
    return render(request, "quizzes/retention.html", table | {"weak_below": WEAK_BELOW, "good_from": GOOD_FROM})
