"""Reads for live games: the full state a screen needs, a player's own view, the report.

GameState is everything any of the three screens shows; it is built from the database alone,
so a reconnecting screen on any worker gets the whole picture in one go. Correct answers are in
it only once the question is revealed (`key` is for the host's console).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from accounts.models import Role
from accounts.permissions import can_run_drills, can_view_person, has_role
from quizzes.grading import correct_labels

from .models import Answer, Buzz, Competition, GameQuestion, Phase, Player, RoundKind, Status, TeamScoring, Wager

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


def ranked(players: list[Player]) -> list[Row]:
    """Standard competition ranking: equal scores share a rank (1, 2, 2, 4)."""
    rows, previous, rank = [], None, 0
    for index, player in enumerate(sorted(players, key=lambda p: (-p.score, p.joined_at, p.pk)), start=1):
        if player.score != previous:
            rank, previous = index, player.score
        rows.append(
            Row(
                rank=rank,
                name=player.user.display_name,
                score=player.score,
                team=player.team.name if player.team_id else "",
                player_id=player.pk,
            )
        )
    return rows


def team_rows(competition: Competition, players: list[Player]) -> list[Row]:
    if not competition.is_team:
        return []
    totals: dict[str, list[int]] = {team.name: [] for team in competition.teams.all()}
    for player in players:
        if player.team_id:
            totals.setdefault(player.team.name, []).append(player.score)
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
    players = list(competition.players.select_related("user", "team"))
    active = [player for player in players if player.removed_at is None]
    state = GameState(competition=competition, at=at, players=len(active))
    state.removed_ids = [player.pk for player in players if player.removed_at]
    state.scoreboard = ranked(active)
    state.roster = sorted(state.scoreboard, key=lambda row: row.name)
    state.teams = team_rows(competition, active)
    state.total = competition.questions.count()
    state.round_total = competition.rounds.count()
    if competition.status == Status.FINISHED:
        depth = competition.podium_depth
        # Only who scored: a 0 or a minus on a step of the podium is nobody's prize.
        state.podium = [row for row in (state.teams if competition.is_team else state.scoreboard) if row.score > 0]
        state.podium = state.podium[:depth]
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
    answers = list(current.answers.all()) if current.phase in (Phase.CLOSED, Phase.REVEALED) else []
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


# --- Who may do what ------------------------------------------------------------------------


def is_host(user, competition: Competition) -> bool:
    return competition.host_id == user.pk or bool(getattr(user, "is_superuser", False))


def can_view_results(user, competition: Competition) -> bool:
    """The host, and managers (and admins) who can see the host."""
    if is_host(user, competition):
        return True
    return has_role(user, Role.MANAGER, Role.ADMIN) and can_view_person(user, competition.host)


def competitions_for(user) -> QuerySet[Competition]:
    """Drills a person may open from the list: hosted ones, ones visible as a manager, ones played."""
    qs = Competition.objects.select_related("host")
    if has_role(user, Role.MANAGER, Role.ADMIN):
        from accounts.permissions import people_visible_to

        return qs.filter(Q(host=user) | Q(host__in=people_visible_to(user)) | Q(players__user=user)).distinct()
    if can_run_drills(user):
        return qs.filter(Q(host=user) | Q(players__user=user)).distinct()
    return qs.filter(players__user=user, players__removed_at=None)


def find_by_code(code: str) -> Competition | None:
    return Competition.objects.filter(code=code).first()


# --- The report after the game -------------------------------------------------------------

HARD_POINT_BELOW = 0.6  # a question fewer than 60% got right is a 难点


@dataclass
class QuestionReport:
    number: int
    round_kind: str
    stem: str
    area: str
    key: str
    answered: int
    correct: int
    wrong_names: list[str]

    @property
    def rate(self) -> float:
        return self.correct / self.answered if self.answered else 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.rate)

    @property
    def is_hard(self) -> bool:
        return self.answered > 0 and self.rate < HARD_POINT_BELOW


def question_report(competition: Competition) -> list[QuestionReport]:
    played = (
        competition.questions.filter(phase=Phase.REVEALED)
        .select_related("round", "question__area")
        .prefetch_related("question__options")
        .annotate(
            n_answered=Count("answers", filter=~Q(answers__labels="", answers__text="")),
            n_correct=Count("answers", filter=Q(answers__ratio=1)),
        )
    )
    wrong = {}
    for answer in Answer.objects.filter(game_question__competition=competition, ratio__lt=1).select_related(
        "player__user"
    ):
        if answer.labels or answer.text:
            wrong.setdefault(answer.game_question_id, []).append(answer.player.user.display_name)
    return [
        QuestionReport(
            number=gq.order,
            round_kind=gq.round.get_kind_display(),
            stem=gq.question.stem,
            area=gq.question.area.name,
            key="".join(sorted(correct_labels(gq.question))) or " / ".join(gq.question.accepted_answers),
            answered=gq.n_answered,
            correct=gq.n_correct,
            wrong_names=wrong.get(gq.pk, []),
        )
        for gq in played
    ]


@dataclass(frozen=True)
class Seat:
    """Who a socket is: the host's console or big screen, or one player's phone."""

    competition_id: int
    code: str
    role: str
    player_id: int | None = None

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
    return Seat(competition.pk, competition.code, role, player.pk) if player else None
