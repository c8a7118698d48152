"""Where a ledger row's activity can be looked at, if the viewer may: the evidence links of a cell.

The ledger knows only (kind, activity id); this module knows which page of which app shows that
activity and asks that app's own rule whether the viewer may open it.
"""

from django.urls import reverse

from leaderboard.models import ActivityKind, LedgerEntry

QUIZ_MODES = {ActivityKind.PRACTICE, ActivityKind.DAILY, ActivityKind.EXAM}


def evidence_url(*, viewer, entry: LedgerEntry) -> str | None:
    kind, activity_id = entry.activity_kind, entry.activity_id
    if not activity_id.isdigit():
        return None
    pk = int(activity_id)
    if kind in QUIZ_MODES:
        if viewer.pk == entry.person_id:
            return reverse("quizzes:attempt", args=[pk])  # an attempt is its person's only
        if kind == ActivityKind.EXAM:
            from quizzes.models import Attempt

            quiz_id = Attempt.objects.filter(pk=pk).values_list("quiz_id", flat=True).first()
            return reverse("quizzes:quiz", args=[quiz_id]) if quiz_id else None
        return None
    if kind == ActivityKind.LESSON_CHECK:
        from training.models import Lesson

        return (
            reverse("training:lesson", args=[pk]) if Lesson.objects.filter(pk=pk, is_published=True).exists() else None
        )
    if kind == ActivityKind.SIMULATION:
        from simulations.selectors import runs_visible_to

        return reverse("simulations:review", args=[pk]) if runs_visible_to(viewer).filter(pk=pk).exists() else None
    if kind == ActivityKind.COMPETITION:
        from competitions.models import Competition
        from competitions.selectors import can_view_results

        competition = Competition.objects.filter(pk=pk).select_related("host").first()
        if competition and can_view_results(viewer, competition):
            return reverse("competitions:results", args=[pk])
    return None
