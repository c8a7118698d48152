"""Game state: everything any of the three screens shows, read once per version.

GameState is everything any of the three screens shows; it is built from the database alone,
so a reconnecting screen on any worker gets the whole picture in one go. Correct answers are in
it only once the question is revealed (`key` is for the host's console).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from quizzes.grading import correct_labels

from ..models import Answer, Competition, GameQuestion, Phase, Player, RoundKind, Status, TeamScoring

LOBBY_NAMES = 60  # name chips on the big screen's lobby; past that, "and N more"


@dataclass
class Row:
    rank: int
    name: str
    score: int
    team: str = ""
    player_id: int = 0


@dataclass
class OptionView:
    label: str
    text: str
    correct: bool | None = None  # None until revealed
    count: int = 0
    percent: int = 0


@dataclass
class GameState:
    competition: Competition
    at: datetime
    current: GameQuestion | None = None
    number: int = 0
    total: int = 0
    round_number: int = 0
    round_total: int = 0
    options: list[OptionView] = field(default_factory=list)
    key: str = ""  # the correct answer, for the host; empty for everyone else until reveal
    revealed: bool = False
    answered: int = 0
    players: int = 0
    scoreboard: list[Row] = field(default_factory=list)
    teams: list[Row] = field(default_factory=list)
    podium: list[Row] = field(default_factory=list)
    buzz_winner: str = ""
    buzz_winner_id: int = 0
    false_starts: list[str] = field(default_factory=list)
    removed_ids: list[int] = field(default_factory=list)
    roster: list[Row] = field(default_factory=list)
    # Per player, once the current question is revealed: travels inside the one broadcast.
    results: dict[int, dict] = field(default_factory=dict)
    right_count: int = 0  # right answers to the current question, once it is closed
    round_position: int = 0  # the current question's place in its round, from 1
    round_size: int = 0

    @property
    def has_scores(self) -> bool:
        """Someone has points (or a penalty): before that a ranking of noughts says nothing."""
        return any(row.score for row in self.scoreboard)

    @property
    def round_first(self) -> bool:
        """The current question opens its round: the screens explain the round's rules."""
        return self.round_position == 1

    @property
    def arrivals(self) -> list[Row]:
        """The lobby's name chips: the latest arrivals first, as many as a projector shows."""
        return list(reversed(self.scoreboard))[:LOBBY_NAMES]

    @property
    def more_arrivals(self) -> int:
        return max(0, len(self.scoreboard) - LOBBY_NAMES)

    @property
    def top(self) -> list[Row]:
        """The scoreboard as the big screen shows it: the first N places."""
        return self.scoreboard[: self.competition.scoreboard_size]

    @property
    def phase(self) -> str:
        return self.current.phase if self.current else ""

    @property
    def kind(self) -> str:
        return self.current.round.kind if self.current else ""

    @property
    def deadline(self) -> datetime | None:
        return self.current.deadline if self.current else None


class Entrant(NamedTuple):
    """A player as the screens need them: read as plain values (a room of 2,000 is read on every
    broadcast, so no model instances of players, users and teams; a tuple is quicker to build
    than a frozen dataclass)."""

    pk: int
    score: int
    joined_at: datetime
    removed: bool
    name: str
    team_id: int | None
    team: str
    number: int = 0  # the player's place in the reveal's table (Player.number)


class Given(NamedTuple):
    """An answer as the screens need it (Answer.correct is ratio == 1)."""

    player_id: int
    labels: str
    text: str
    correct: bool
    points: int


def entrants(competition_id: int) -> list[Entrant]:
    rows = Player.objects.filter(competition_id=competition_id).values_list(
        "pk", "score", "joined_at", "removed_at", "team_id", "team__name",
        "user__full_name", "user__first_name", "user__last_name", "user__username", "number",
    )  # fmt: skip
    return [
        # the name as User.display_name has it
        Entrant(
            pk,
            score,
            joined,
            removed is not None,
            full or f"{first} {last}".strip() or user,
            team_id,
            team or "",
            number,
        )
        for pk, score, joined, removed, team_id, team, full, first, last, user, number in rows
    ]


def roster(*, competition_id: int, query: str = "") -> list[Entrant]:
    """The host's 移出选手 list, found by name: read when the host searches, never sent with the
    frames (at N = 2,000 it was 409 KB of every host frame, twice a second while the room filled)."""
    query = query.casefold()
    return sorted(
        (player for player in entrants(competition_id) if not player.removed and query in player.name.casefold()),
        key=lambda player: player.name,
    )


def ranked(players: list[Entrant]) -> list[Row]:
    """Standard competition ranking: equal scores share a rank (1, 2, 2, 4)."""
    rows, previous, rank = [], None, 0
    for index, player in enumerate(sorted(players, key=lambda p: (-p.score, p.joined_at, p.pk)), start=1):
        if player.score != previous:
            rank, previous = index, player.score
        rows.append(Row(rank=rank, name=player.name, score=player.score, team=player.team, player_id=player.pk))
    return rows


def team_rows(competition: Competition, players: list[Entrant]) -> list[Row]:
    if not competition.is_team:
        return []
    totals: dict[str, list[int]] = {team.name: [] for team in competition.teams.all()}
    for player in players:
        if player.team_id:
            totals.setdefault(player.team, []).append(player.score)
    average = competition.team_scoring == TeamScoring.AVERAGE
    scored = [
        (name, round(sum(scores) / len(scores)) if average and scores else sum(scores))
        for name, scores in totals.items()
    ]
    scored.sort(key=lambda item: -item[1])
    rows, previous, rank = [], None, 0
    for index, (name, score) in enumerate(scored, start=1):
        if score != previous:
            rank, previous = index, score
        rows.append(Row(rank=rank, name=name, score=score))
    return rows


def game_state(*, competition_id: int, at: datetime) -> GameState:
    competition = Competition.objects.select_related("host").get(pk=competition_id)
    players = entrants(competition.pk)
    active = [player for player in players if not player.removed]
    state = GameState(competition=competition, at=at, players=len(active))
    state.removed_ids = [player.pk for player in players if player.removed]
    state.scoreboard = ranked(active)
    state.roster = sorted(state.scoreboard, key=lambda row: row.name)
    state.teams = team_rows(competition, active)
    state.total = competition.questions.count()
    state.round_total = competition.rounds.count()
    if competition.status == Status.FINISHED:
        # The first places by rank, whatever the score: a 0 or a minus is still third of three.
        depth = competition.podium_depth
        state.podium = [row for row in (state.teams if competition.is_team else state.scoreboard) if row.rank <= depth]
    if competition.current_id is None:
        return state
    current = (
        GameQuestion.objects.select_related("round", "question", "buzz_winner__user")
        .prefetch_related("question__options")
        .get(pk=competition.current_id)
    )
    state.current = current
    state.number = current.order
    state.round_number = current.round.order
    in_round = list(current.round.questions.order_by("order").values_list("order", flat=True))
    state.round_size, state.round_position = len(in_round), in_round.index(current.order) + 1
    state.revealed = current.phase == Phase.REVEALED
    question = current.question
    state.key = "".join(sorted(correct_labels(question))) or " / ".join(question.accepted_answers)
    # Every answer once the question is closed, as plain values (no model instance per player).
    answers = (
        [
            Given(player_id, labels, text, ratio == 1, points)
            for player_id, labels, text, ratio, points in current.answers.order_by().values_list(
                "player_id", "labels", "text", "ratio", "points"
            )
        ]
        if current.phase in (Phase.CLOSED, Phase.REVEALED)
        else []
    )
    state.answered = len(answers) if answers else current.answers.count()
    state.right_count = sum(1 for answer in answers if answer.correct)
    counts: dict[str, int] = {}
    for answer in answers:
        for label in answer.labels:
            counts[label] = counts.get(label, 0) + 1
    right = correct_labels(question)
    for option in question.options.all():
        view = OptionView(label=option.label, text=option.text)
        if state.revealed:
            view.correct = option.label in right
            view.count = counts.get(option.label, 0)
            view.percent = round(100 * view.count / len(answers)) if answers else 0
        state.options.append(view)
    if current.buzz_winner_id:
        state.buzz_winner = current.buzz_winner.user.display_name
        state.buzz_winner_id = current.buzz_winner_id
    if current.round.kind == RoundKind.BUZZER:
        state.false_starts = [
            buzz.player.user.display_name
            for buzz in current.buzzes.filter(false_start=True).select_related("player__user")
        ]
    if state.revealed:
        rank_of = {row.player_id: row.rank for row in state.scoreboard}
        by_player = {answer.player_id: answer for answer in answers}
        for player in active:
            answer = by_player.get(player.pk)
            state.results[player.pk] = {
                "number": player.number,
                "score": player.score,
                "rank": rank_of.get(player.pk, 0),
                "answered": answer is not None and bool(answer.labels or answer.text),
                "correct": bool(answer and answer.correct),
                "points": answer.points if answer else 0,
            }
    return state


def tally(*, game_question_id: int) -> int:
    return Answer.objects.filter(game_question_id=game_question_id).count()


@dataclass
class TallyState:
    """What "已作答 N / M" needs: two counts and the current question, not the roster."""

    competition: Competition
    current: GameQuestion | None
    answered: int
    players: int

    @property
    def phase(self) -> str:
        return self.current.phase if self.current else ""

    @property
    def kind(self) -> str:
        return self.current.round.kind if self.current else ""

    @property
    def everyone_answered(self) -> bool:
        """A 必答 or 风险题 question still open that every active player has answered."""
        return (
            self.competition.status == Status.RUNNING
            and self.phase == Phase.OPEN
            and self.kind != RoundKind.BUZZER
            and self.players > 0
            and self.answered >= self.players
        )


def tally_state(*, competition_id: int) -> TallyState:
    competition = Competition.objects.select_related("current__round").get(pk=competition_id)
    current = competition.current
    return TallyState(
        competition=competition,
        current=current,
        answered=Answer.objects.filter(game_question=current).count() if current else 0,
        players=competition.players.filter(removed_at=None).count(),
    )
