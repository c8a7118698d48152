"""Socket identity: who a socket is, and a player's own corner of the phone."""

from dataclasses import dataclass

from ..models import Answer, Buzz, Competition, Phase, Player, Wager
from .permissions import find_by_code, is_host
from .state import GameState


@dataclass
class PlayerView:
    """A player's own corner of the screen: rebuilt from the database on (re)connect."""

    player_id: int
    name: str
    team: str
    score: int
    rank: int
    players: int
    game_question_id: int = 0
    answered: str = ""
    wager: int | None = None
    buzz: str = ""
    result: dict | None = None

    def for_question(self, game_question_id: int) -> None:
        """Forget the previous question's bits when the game moves on."""
        if game_question_id != self.game_question_id:
            self.game_question_id = game_question_id
            self.answered, self.wager, self.buzz, self.result = "", None, "", None


def player_view(*, player_id: int, state: GameState) -> PlayerView:
    player = Player.objects.select_related("user", "team").get(pk=player_id)
    rank = next((row.rank for row in state.scoreboard if row.player_id == player_id), 0)
    view = PlayerView(
        player_id=player.pk,
        name=player.user.display_name,
        team=player.team.name if player.team_id else "",
        score=player.score,
        rank=rank,
        players=state.players,
    )
    if state.current is None:
        return view
    view.game_question_id = state.current.pk
    answer = Answer.objects.filter(game_question=state.current, player=player).first()
    if answer and (answer.labels or answer.text):
        view.answered = answer.labels or answer.text[:50]
    view.wager = (
        Wager.objects.filter(game_question=state.current, player=player).values_list("amount", flat=True).first()
    )
    buzz = Buzz.objects.filter(game_question=state.current, player=player).first()
    if buzz:
        view.buzz = "false_start" if buzz.false_start else ("won" if state.buzz_winner_id == player.pk else "late")
    view.result = state.results.get(player.pk)
    return view


@dataclass(frozen=True)
class Seat:
    """Who a socket is: the host's console or big screen, or one player's phone."""

    competition_id: int
    code: str
    role: str
    player_id: int | None = None
    number: int = 0  # the player's row in the reveal's table (Player.number)

    def group(self, role: str) -> str:
        """A screen's channel-layer group. Named by the random join code rather than the id,
        so that games of several databases sharing one Redis (test runs) never cross."""
        return f"game-{self.code}-{role}"


def seat_for(*, user, code: str, role: str) -> Seat | None:
    competition = find_by_code(code)
    if competition is None:
        return None
    if role in ("host", "screen"):
        return Seat(competition.pk, competition.code, role) if is_host(user, competition) else None
    player = Player.objects.filter(competition=competition, user=user, removed_at=None).first()
    return Seat(competition.pk, competition.code, role, player.pk, player.number) if player else None


def player_corner(*, player_id: int) -> PlayerView | None:
    """A (re)connecting phone's own corner from its own rows: no read of the room.

    Rank is 1 + the number of active players with a higher score (standard competition ranking,
    as on the scoreboard); the result is this player's answer once the current question is revealed.
    """
    player = Player.objects.select_related("user", "team", "competition__current").filter(pk=player_id).first()
    if player is None:
        return None
    competition = player.competition
    active = Player.objects.filter(competition_id=competition.pk, removed_at=None)
    view = PlayerView(
        player_id=player.pk,
        name=player.user.display_name,
        team=player.team.name if player.team_id else "",
        score=player.score,
        rank=active.filter(score__gt=player.score).count() + 1,
        players=active.count(),
    )
    current = competition.current
    if current is None:
        return view
    view.game_question_id = current.pk
    answer = Answer.objects.filter(game_question=current, player=player).first()
    if answer and (answer.labels or answer.text):
        view.answered = answer.labels or answer.text[:50]
    view.wager = Wager.objects.filter(game_question=current, player=player).values_list("amount", flat=True).first()
    buzz = Buzz.objects.filter(game_question=current, player=player).first()
    if buzz:
        view.buzz = "false_start" if buzz.false_start else ("won" if current.buzz_winner_id == player.pk else "late")
    if current.phase == Phase.REVEALED:
        view.result = {
            "score": player.score,
            "rank": view.rank,
            "answered": bool(answer and (answer.labels or answer.text)),
            "correct": bool(answer and answer.correct),
            "points": answer.points if answer else 0,
        }
    return view


def version_of(*, competition_id: int) -> int:
    return Competition.objects.filter(pk=competition_id).values_list("version", flat=True).first() or 0


def phone_snapshot(*, competition_id: int, player_id: int) -> tuple[int, PlayerView | None]:
    """One hop for a (re)connecting phone: the game's version and the player's own corner."""
    return version_of(competition_id=competition_id), player_corner(player_id=player_id)
