"""帮: 师徒结对 suggested from mastery, confirmed by a supervisor, rewarded through the ledger.

Rules (also on the 积分规则 page and in docs/leaderboard.md):
- a pair lives inside one center and one business area; nobody is paired with themselves;
- a mentor is strong and stable in the area: mastery ≥ MASTERY_GOOD_FROM now and 30 days ago, each with
  enough evidence; a mentee is weak in it: mastery below MASTERY_WEAK_BELOW with enough evidence;
- a mentor has at most MAX_MENTEES live pairs (all areas together), a mentee one live pair per area;
- a declined suggestion is not suggested again; an ended pair may be suggested again later;
- each full week (Monday 00:00 Shanghai) of a live pair, the mentor earns 2 帮 points per point of the
  mentee's mastery gain in the area that week, at most 30, as a ledger row of kind `mentor` unique on
  (pair, week): written once however often the job runs.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.permissions import can_manage_pairs
from training.models import BusinessArea

from .mastery import GOOD_FROM, MIN_RESULTS, WEAK_BELOW, mastery_frame, mastery_of
from .models import ActivityKind, MentorPair, PairStatus
from .selectors import period_start

MAX_MENTEES = 3
POINTS_PER_MASTERY_POINT = 2
MAX_POINTS_PER_WEEK = 30
STABLE_DAYS = 30


class PairError(Exception):
    """A pairing that breaks a rule; the message says which, in Chinese, for the page."""


@dataclass(frozen=True)
class Suggestion:
    area_id: int
    area: str
    mentor_id: int
    mentor: str
    mentor_mastery: float
    mentee_id: int
    mentee: str
    mentee_mastery: float
    mentee_team_id: int | None


def suggested_pairs(*, center_id: int | None, now: datetime, area_id: int | None = None) -> list[Suggestion]:
    """Strong-with-weak pairs per area, weakest mentee first, each to the strongest mentor with room."""
    if center_id is None:
        return []
    people = {
        p["pk"]: p
        for p in User.objects.filter(
            center_id=center_id, is_active=True, role__in=(Role.STAFF, Role.SUPERVISOR)
        ).values("pk", "full_name", "username", "role", "team_id")
    }
    now_frame = mastery_frame(people=list(people))
    then_frame = mastery_frame(people=list(people), as_of=now - timedelta(days=STABLE_DAYS))
    if area_id:
        now_frame = now_frame[now_frame["area_id"] == area_id]
    then = {(int(r.person_id), int(r.area_id)): r for r in then_frame.itertuples(index=False)}
    pairs = MentorPair.objects.filter(center_id=center_id)
    live = pairs.filter(status=PairStatus.CONFIRMED)
    load = dict(live.values("mentor_id").annotate(n=Count("id")).values_list("mentor_id", "n"))
    taken = set(live.values_list("mentee_id", "area_id"))
    declined = set(pairs.filter(status=PairStatus.DECLINED).values_list("mentor_id", "mentee_id", "area_id"))
    areas = dict(BusinessArea.objects.values_list("pk", "name"))

    mentors, mentees = {}, []
    for row in now_frame.itertuples(index=False):
        pk, area = int(row.person_id), int(row.area_id)
        if row.results < MIN_RESULTS:
            continue
        before = then.get((pk, area))
        if row.mastery >= GOOD_FROM and before is not None and before.results >= MIN_RESULTS:
            if before.mastery >= GOOD_FROM:
                mentors.setdefault(area, []).append((pk, float(row.mastery)))
        elif row.mastery < WEAK_BELOW and people[pk]["role"] == Role.STAFF and (pk, area) not in taken:
            mentees.append((float(row.mastery), area, pk))

    suggestions = []
    for mastery, area, mentee in sorted(mentees):
        candidates = [
            (pk, m)
            for pk, m in mentors.get(area, [])
            if pk != mentee and load.get(pk, 0) < MAX_MENTEES and (pk, mentee, area) not in declined
        ]
        if not candidates:
            continue
        mentor, mentor_mastery = max(candidates, key=lambda c: (MAX_MENTEES - load.get(c[0], 0), c[1], -c[0]))
        load[mentor] = load.get(mentor, 0) + 1
        suggestions.append(
            Suggestion(
                area_id=area,
                area=areas.get(area, ""),
                mentor_id=mentor,
                mentor=people[mentor]["full_name"] or people[mentor]["username"],
                mentor_mastery=mentor_mastery,
                mentee_id=mentee,
                mentee=people[mentee]["full_name"] or people[mentee]["username"],
                mentee_mastery=mastery,
                mentee_team_id=people[mentee]["team_id"],
            )
        )
    return suggestions


def _check(*, by, mentor: User, mentee: User, area) -> None:
    if mentor.pk == mentee.pk:
        raise PairError(_("不能与自己结对。"))
    if not mentor.center_id or mentor.center_id != mentee.center_id:
        raise PairError(_("师徒须在同一中心。"))
    if not mentor.is_active or not mentee.is_active:
        raise PairError(_("该人员已不在岗。"))
    if not can_manage_pairs(by, mentee.team):
        raise PairError(_("只有徒弟所在班组的班组长或中心主任可以确认结对。"))
    del area


@transaction.atomic
def confirm_pair(*, by, mentor: User, mentee: User, area, at: datetime) -> MentorPair:
    """A supervisor confirms a suggested (or their own) pair; the mentee's mastery now is its baseline."""
    _check(by=by, mentor=mentor, mentee=mentee, area=area)
    User.objects.select_for_update().filter(pk=mentor.pk).first()  # serialise the mentor's load
    if MentorPair.objects.filter(mentor=mentor, status=PairStatus.CONFIRMED).count() >= MAX_MENTEES:
        raise PairError(_("每位师傅最多带 %(n)s 名徒弟。") % {"n": MAX_MENTEES})
    if MentorPair.objects.filter(mentee=mentee, area=area, status=PairStatus.CONFIRMED).exists():
        raise PairError(_("该徒弟在这个条线已有师傅。"))
    try:
        with transaction.atomic():
            return MentorPair.objects.create(
                center_id=mentee.center_id,
                area=area,
                mentor=mentor,
                mentee=mentee,
                status=PairStatus.CONFIRMED,
                decided_by=by,
                started_at=at,
                decided_at=at,
                start_mastery=mastery_of(person=mentee, area=area, as_of=at).score,
            )
    except IntegrityError as error:
        raise PairError(_("该徒弟在这个条线已有师傅。")) from error


@transaction.atomic
def decline_pair(*, by, mentor: User, mentee: User, area, at: datetime) -> MentorPair:
    """Decline a suggestion: it is remembered so that it is not suggested again."""
    _check(by=by, mentor=mentor, mentee=mentee, area=area)
    return MentorPair.objects.create(
        center_id=mentee.center_id,
        area=area,
        mentor=mentor,
        mentee=mentee,
        status=PairStatus.DECLINED,
        decided_by=by,
        started_at=at,
        decided_at=at,
        ended_at=at,
    )


@transaction.atomic
def end_pair(*, by, pair: MentorPair, at: datetime) -> MentorPair:
    """End a live pair; 帮 points of its full weeks stay, later weeks earn nothing."""
    if not can_manage_pairs(by, pair.mentee.team):
        raise PairError(_("只有徒弟所在班组的班组长或中心主任可以结束结对。"))
    if pair.status != PairStatus.CONFIRMED:
        raise PairError(_("该结对已结束。"))
    award_mentor_points(pairs=[pair], at=at)
    pair.status, pair.ended_at, pair.decided_at, pair.decided_by = PairStatus.ENDED, at, at, by
    pair.save(update_fields=["status", "ended_at", "decided_at", "decided_by"])
    return pair


def full_weeks(pair: MentorPair, *, at: datetime):
    """The (start, end) of each full Monday-to-Monday week of the pair that has ended by `at`."""
    last = min(at, pair.ended_at) if pair.ended_at else at
    week = period_start("week", now=pair.started_at)
    while week + timedelta(days=7) <= last:
        yield max(week, pair.started_at), week + timedelta(days=7)
        week += timedelta(days=7)


def award_mentor_points(*, at: datetime, pairs=None) -> int:
    """Write each finished week's 帮 points of live (and ended) pairs; idempotent per pair and week."""
    from .services import record_result

    if pairs is None:
        pairs = MentorPair.objects.filter(status__in=(PairStatus.CONFIRMED, PairStatus.ENDED))
    written = 0
    for pair in pairs:
        for start, end in full_weeks(pair, at=at):
            before = mastery_of(person=pair.mentee_id, area=pair.area_id, as_of=start).score
            after = mastery_of(person=pair.mentee_id, area=pair.area_id, as_of=end).score
            gain = (after or 0) - (before if before is not None else (after or 0))
            points = max(0, min(MAX_POINTS_PER_WEEK, round(gain * POINTS_PER_MASTERY_POINT)))
            result = record_result(
                person=pair.mentor,
                area=pair.area,
                kind=ActivityKind.MENTOR,
                activity_id=f"pair{pair.pk}-{timezone.localtime(end).date().isoformat()}",
                score_ratio=0,  # not evidence of the mentor's own competence: mastery leaves it out
                points=points,
                at=end,
                title=_("帮扶 %(name)s") % {"name": pair.mentee.display_name},
            )
            written += result.created
    return written


def pair_progress(pair: MentorPair, *, now: datetime) -> dict:
    """The mentee's mastery in the pair's area: at the start, now, and at the end of each week since."""
    end = pair.ended_at or now
    weeks = [
        (e, mastery_of(person=pair.mentee_id, area=pair.area_id, as_of=e).score) for _, e in full_weeks(pair, at=end)
    ]
    current = mastery_of(person=pair.mentee_id, area=pair.area_id, as_of=end)
    start = pair.start_mastery
    return {
        "start": start,
        "now": current.score,
        "results": current.results,
        "gain": round(current.score - start, 1) if current.score is not None and start is not None else None,
        "weeks": weeks,
    }
