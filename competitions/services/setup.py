"""Setting a drill up and joining it."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from quizzes.models import Question

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
class RoundSpec:
    kind: str
    question_ids: list[int]
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
    podium_depth: int = 3
    scoreboard_size: int = 10


def _new_code() -> str:
    for _attempt in range(50):
        code = f"{secrets.randbelow(900_000) + 100_000}"
        if not Competition.objects.filter(code=code).exists():
            return code
    raise RuntimeError("no free join code")


@transaction.atomic
def create_competition(*, host, settings: Settings, rounds: list[RoundSpec], at: datetime) -> Competition:
    if not rounds or not any(spec.question_ids for spec in rounds):
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
        podium_depth=settings.podium_depth,
        scoreboard_size=settings.scoreboard_size,
        created_at=at,
    )
    if settings.mode == Mode.TEAM and settings.team_source == TeamSource.AD_HOC:
        names = list(dict.fromkeys(name.strip() for name in settings.team_names if name.strip()))
        if len(names) < 2:
            raise Refused(_("临时分队至少需要两个队名。"))
        GameTeam.objects.bulk_create(GameTeam(competition=competition, name=name[:50]) for name in names)
    known = set(Question.objects.filter(is_active=True).values_list("pk", flat=True))
    order = 0
    for number, spec in enumerate((s for s in rounds if s.question_ids), start=1):
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
        for question_id in spec.question_ids:
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
    if competition.status != Status.LOBBY and not competition.allow_late_join:
        raise Refused(_("比赛已开始，本场不允许中途加入。"))
    return Player.objects.create(competition=competition, user=user, team=_team_for(competition, user), joined_at=at)


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
