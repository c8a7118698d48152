"""The report after the game: per question, who got it wrong, the 难点."""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from quizzes.grading import correct_labels

from ..models import Answer, Buzz, Competition, Phase, RoundKind

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
    """Per revealed question: who answered, how many got it right, who got it wrong.

    A given answer counts. In a 抢答 the buzz winner who let the time run out and everyone who
    false-started also tried and failed, so they count as answered and wrong, marked as such.
    """
    played = list(
        competition.questions.filter(phase=Phase.REVEALED)
        .select_related("round", "question__area")
        .prefetch_related("question__options")
    )
    buzzer = {gq.pk for gq in played if gq.round.kind == RoundKind.BUZZER}
    answered: dict[int, int] = defaultdict(int)
    correct: dict[int, int] = defaultdict(int)
    wrong: dict[int, list[str]] = defaultdict(list)
    for answer in Answer.objects.filter(game_question__in=played).select_related("player__user"):
        given = bool(answer.labels or answer.text)
        if not given and answer.game_question_id not in buzzer:
            continue  # a silence in 必答 or 风险题 is not an answer
        answered[answer.game_question_id] += 1
        if answer.correct:
            correct[answer.game_question_id] += 1
        else:
            name = answer.player.user.display_name
            wrong[answer.game_question_id].append(name if given else _("%(name)s（超时）") % {"name": name})
    for buzz in Buzz.objects.filter(game_question__in=played, false_start=True).select_related("player__user"):
        answered[buzz.game_question_id] += 1
        wrong[buzz.game_question_id].append(_("%(name)s（抢跑）") % {"name": buzz.player.user.display_name})
    return [
        QuestionReport(
            number=gq.order,
            round_kind=gq.round.get_kind_display(),
            stem=gq.question.stem,
            area=gq.question.area.name,
            key="".join(sorted(correct_labels(gq.question))) or " / ".join(gq.question.accepted_answers),
            answered=answered[gq.pk],
            correct=correct[gq.pk],
            wrong_names=wrong[gq.pk],
        )
        for gq in played
    ]


@dataclass
class MyAnswer:
    number: int
    round_kind: str
    stem: str
    key: str
    answer: str
    correct: bool
    points: int


def my_results(competition: Competition, player) -> list[MyAnswer]:
    """A player's own line per revealed question: what they answered, the key, their points."""
    mine = {answer.game_question_id: answer for answer in Answer.objects.filter(player=player)}
    false_starts = dict(Buzz.objects.filter(player=player, false_start=True).values_list("game_question_id", "points"))
    rows = []
    for gq in (
        competition.questions.filter(phase=Phase.REVEALED)
        .select_related("round", "question")
        .prefetch_related("question__options")
    ):
        answer = mine.get(gq.pk)
        given = answer.labels or answer.text if answer else ""
        rows.append(
            MyAnswer(
                number=gq.order,
                round_kind=gq.round.get_kind_display(),
                stem=gq.question.stem,
                key="".join(sorted(correct_labels(gq.question))) or " / ".join(gq.question.accepted_answers),
                answer=given or (_("抢跑") if gq.pk in false_starts else _("未作答")),
                correct=bool(answer and answer.correct),
                points=(answer.points if answer else 0) + false_starts.get(gq.pk, 0),
            )
        )
    return rows
