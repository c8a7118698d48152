"""Setting a drill up and joining it.

A round's questions come from one of three sources, all resolved here when the drill is created:
hand-picked ids, a rule-based draw from the bank, or a quiz of the quizzes app (its fixed list, or
a draw by its rules). The draws are the quizzes app's own (`quizzes.selectors.draw_questions`,
`quizzes.services.paper_for`); a question is asked at most once per drill, so later rounds draw
around the earlier ones.
"""

import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from accounts.permissions import can_join_center_drill
from quizzes.models import Question, Quiz
from quizzes.selectors import draw_questions
from quizzes.services import paper_for

from ..models import (
    Competition,
    GameQuestion,
    GameTeam,
    Mode,
    Player,
    Round,
    Status,
    TeamScoring,
    TeamSource,
)
from .base import Refused


@dataclass(frozen=True)
class Draw:
    """A rule-based draw from the bank: up to `count` active questions that match."""

    count: int
    area_id: int | None = None  # None: every area
    kind: str = ""  # "": every kind
    min_difficulty: int = 1
    max_difficulty: int = 5


@dataclass(frozen=True)
class RoundSpec:
    """One round; its questions are question_ids, or a draw, or a quiz's paper (quiz_id)."""

    kind: str
    question_ids: list[int] = field(default_factory=list)
    draw: Draw | None = None
    quiz_id: int | None = None
    seconds: int = 20
    points: int = 10
    penalty: int = 10
    speed_bonus: bool = True
    streak_bonus: bool = False


@dataclass(frozen=True)
class Settings:
    title: str
    mode: str = Mode.INDIVIDUAL
    team_source: str = TeamSource.ACCOUNTS
    team_scoring: str = TeamScoring.SUM
    team_names: list[str] = field(default_factory=list)
    allow_late_join: bool = True
    open_to_other_centers: bool = False
    podium_depth: int = 3
    scoreboard_size: int = 10


def _new_code() -> str:
    for _attempt in range(50):
        code = f"{secrets.randbelow(900_000) + 100_000}"
        if not Competition.objects.filter(code=code).exists():
            return code
    raise RuntimeError("no free join code")


def _questions_of(spec: RoundSpec, *, used: set[int], rng: random.Random) -> list[int]:
    if spec.quiz_id is not None:
        quiz = Quiz.objects.filter(pk=spec.quiz_id, is_published=True).first()
        if quiz is None:
            raise Refused(_("所选试卷不存在或尚未发布。"))
        ids = [pick.question.pk for pick in paper_for(quiz, rng=rng, exclude_ids=used)]
        if not ids:
            raise Refused(_("试卷“%(title)s”没有可用的题目。") % {"title": quiz.title})
        return ids
    if spec.draw is not None:
        rule = spec.draw
        drawn = draw_questions(
            area=rule.area_id,
            kind=rule.kind or None,
            min_difficulty=min(rule.min_difficulty, rule.max_difficulty),
            max_difficulty=max(rule.min_difficulty, rule.max_difficulty),
            count=rule.count,
            exclude_ids=used,
            rng=rng,
        )
        return [question.pk for question in drawn]
    return [pk for pk in dict.fromkeys(spec.question_ids) if pk not in used]


@transaction.atomic
def create_competition(
    *, host, settings: Settings, rounds: list[RoundSpec], at: datetime, rng: random.Random | None = None
) -> Competition:
    """A drill in the lobby; every round's questions are fixed now (a draw happens once, here)."""
    rng = rng or random.Random()
    used: set[int] = set()
    resolved = []
    for spec in rounds:
        ids = _questions_of(spec, used=used, rng=rng)
        used.update(ids)
        if ids:
            resolved.append((spec, ids))
    if not resolved:
        raise Refused(_("至少需要一道题。"))
    competition = Competition.objects.create(
        title=settings.title,
        code=_new_code(),
        host=host,
        center_id=host.center_id,
        mode=settings.mode,
        team_source=settings.team_source,
        team_scoring=settings.team_scoring,
        allow_late_join=settings.allow_late_join,
        open_to_other_centers=settings.open_to_other_centers,
        podium_depth=settings.podium_depth,
        scoreboard_size=settings.scoreboard_size,
        created_at=at,
    )
    if settings.mode == Mode.TEAM and settings.team_source == TeamSource.AD_HOC:
        names = list(dict.fromkeys(name.strip() for name in settings.team_names if name.strip()))
        if len(names) < 2:
            raise Refused(_("临时分队至少需要两个队名。"))
        GameTeam.objects.bulk_create(GameTeam(competition=competition, name=name[:50]) for name in names)
    known = set(Question.objects.filter(is_active=True, pk__in=used).values_list("pk", flat=True))
    order = 0
    for number, (spec, ids) in enumerate(resolved, start=1):
        round_ = Round.objects.create(
            competition=competition,
            order=number,
            kind=spec.kind,
            seconds=spec.seconds,
            points=spec.points,
            penalty=spec.penalty,
            speed_bonus=spec.speed_bonus,
            streak_bonus=spec.streak_bonus,
        )
        for question_id in ids:
            if question_id not in known:
                raise Refused(_("所选题目不存在或已停用。"))
            order += 1
            GameQuestion.objects.create(competition=competition, round=round_, order=order, question_id=question_id)
    return competition


@transaction.atomic
def join(*, code: str, user, at: datetime) -> Player:
    """Join by code; a person who joined before gets their own row (and score) back."""
    competition = Competition.objects.select_for_update().filter(code=code).first()
    if competition is None:
        raise Refused(_("加入码无效，请核对大屏上的 6 位数字。"))
    existing = Player.objects.filter(competition=competition, user=user).first()
    if existing:
        if existing.removed_at:
            raise Refused(_("你已被主持人移出本场比赛。"))
        return existing
    if competition.status == Status.FINISHED:
        raise Refused(_("本场比赛已结束。"))
    if competition.host_id == user.pk:
        raise Refused(_("主持人不能以选手身份加入。"))
    if not can_join_center_drill(user, competition.center_id, open_to_others=competition.open_to_other_centers):
        raise Refused(_("本场大练兵仅限本中心人员参加。"))
    if competition.status != Status.LOBBY and not competition.allow_late_join:
        raise Refused(_("比赛已开始，本场不允许中途加入。"))
    # The competition row is locked above, so the next number cannot be taken twice.
    number = Player.objects.filter(competition=competition).count()
    return Player.objects.create(
        competition=competition, user=user, team=_team_for(competition, user), joined_at=at, number=number
    )


def _team_for(competition: Competition, user) -> GameTeam | None:
    if competition.mode != Mode.TEAM:
        return None
    if competition.team_source == TeamSource.AD_HOC:
        # Deal newcomers into the smallest team, so the teams stay even.
        return competition.teams.annotate(size=Count("players", distinct=True)).order_by("size", "id").first()
    if user.team_id is None:
        team, _created = GameTeam.objects.get_or_create(competition=competition, name=_("未分组"))
        return team
    team, _created = GameTeam.objects.get_or_create(
        competition=competition, source_team_id=user.team_id, defaults={"name": user.team.name[:50]}
    )
    return team
