"""What every move shares: the refusal, the row locks, the running check."""

from django.db.models import F
from django.utils.translation import gettext as _

from ..models import Competition, GameQuestion, Phase, Status

WAGER_SECONDS = 15
OPEN_PHASES = (Phase.OPEN, Phase.BUZZING, Phase.ANSWERING)


class Refused(Exception):
    """A move the rules do not allow; the message is shown to whoever tried it."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code


def lock_game(competition_id: int) -> tuple[Competition, GameQuestion | None]:
    competition = Competition.objects.select_for_update().get(pk=competition_id)
    current = None
    if competition.current_id:
        current = GameQuestion.objects.select_for_update().select_related("round").get(pk=competition.current_id)
    return competition, current


def require_running(competition: Competition) -> None:
    if competition.status == Status.PAUSED:
        raise Refused(_("比赛已暂停。"), "paused")
    if competition.status != Status.RUNNING:
        raise Refused(_("比赛未在进行中。"), "not_running")


def bump(competition: Competition) -> None:
    """A move changed what the screens show: a new version, in the move's own transaction."""
    Competition.objects.filter(pk=competition.pk).update(version=F("version") + 1)
