"""The report after the game: per question, who got it wrong, the 难点."""

from dataclasses import dataclass

from django.db.models import Count, Q

from quizzes.grading import correct_labels

from ..models import Answer, Competition, Phase

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
