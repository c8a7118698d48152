"""Small factories for live games: a host, questions, a game with rounds, players in it."""

from datetime import datetime

from django.utils import timezone

from accounts.models import Role
from competitions import services
from competitions.models import Competition, Player, RoundKind
from tests.conftest import make_user
from tests.quizzes.factories import make_question


def make_game(
    host=None,
    *,
    rounds: list[tuple[str, list]] | None = None,
    at: datetime | None = None,
    seconds: int = 20,
    speed_bonus: bool = False,
    streak_bonus: bool = False,
    **settings,
) -> Competition:
    """rounds: [(RoundKind, [questions])]; by default one 必答 round of two single-choice questions."""
    host = host or make_user(Role.SUPERVISOR)
    if rounds is None:
        rounds = [(RoundKind.REQUIRED, [make_question(), make_question()])]
    specs = [
        services.RoundSpec(
            kind=kind,
            question_ids=[q.pk for q in questions],
            seconds=seconds,
            points=10,
            penalty=5,
            speed_bonus=speed_bonus,
            streak_bonus=streak_bonus,
        )
        for kind, questions in rounds
    ]
    return services.create_competition(
        host=host,
        settings=services.Settings(title=settings.pop("title", "测试练兵"), **settings),
        rounds=specs,
        at=at or timezone.now(),
    )


def join_players(competition: Competition, n: int, *, at: datetime | None = None, **user_kwargs) -> list[Player]:
    return [
        services.join(code=competition.code, user=make_user(Role.STAFF, **user_kwargs), at=at or timezone.now())
        for _ in range(n)
    ]
