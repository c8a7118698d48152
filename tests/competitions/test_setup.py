"""Setting a drill up: a round's questions from a quiz of the quizzes app, a bank draw, or by hand.

Every source is resolved once, when the drill is created, and a question is asked at most once.
"""

import random

import pytest
from django.utils import timezone

from accounts.models import Role
from competitions import services
from competitions.models import RoundKind
from competitions.services import Draw, Refused, RoundSpec
from quizzes.models import PaperKind, PaperRule, QuestionKind
from tests.conftest import make_area, make_user
from tests.quizzes.factories import make_question, make_quiz

pytestmark = pytest.mark.django_db


def create(*rounds: RoundSpec, seed: int = 1):
    return services.create_competition(
        host=make_user(Role.SUPERVISOR),
        settings=services.Settings(title="从试卷办的练兵"),
        rounds=list(rounds),
        at=timezone.now(),
        rng=random.Random(seed),
    )


def asked(game, order: int = 1) -> list[int]:
    return list(game.rounds.get(order=order).questions.order_by("order").values_list("question_id", flat=True))


def test_a_fixed_quiz_becomes_a_round_of_its_questions_in_paper_order_without_retired_ones():
    first, second, retired, third = (make_question(stem=f"第{n}题") for n in range(4))
    retired.is_active = False
    retired.save()
    quiz = make_quiz([first, second, retired, third])

    game = create(RoundSpec(kind=RoundKind.REQUIRED, quiz_id=quiz.pk, seconds=15))

    assert asked(game) == [first.pk, second.pk, third.pk]
    assert game.rounds.get().seconds == 15


def test_a_rule_based_quiz_is_drawn_by_its_rules_when_the_drill_is_created():
    social, other = make_area(), make_area()
    easy_single = {make_question(social, stem=f"易{i}", difficulty=1).pk for i in range(5)}
    for i in range(3):
        make_question(social, stem=f"难{i}", difficulty=5)
        make_question(social, stem=f"判断{i}", kind=QuestionKind.TRUE_FALSE, difficulty=1)
        make_question(other, stem=f"别的条线{i}", difficulty=1)
    quiz = make_quiz(paper_kind=PaperKind.RULES)
    PaperRule.objects.create(quiz=quiz, area=social, kind=QuestionKind.SINGLE, max_difficulty=2, count=2)

    # The same rules twice: the second round draws around the first, so nothing is asked twice.
    game = create(
        RoundSpec(kind=RoundKind.REQUIRED, quiz_id=quiz.pk),
        RoundSpec(kind=RoundKind.BUZZER, quiz_id=quiz.pk),
    )

    first, second = asked(game, 1), asked(game, 2)
    assert len(first) == 2 and len(second) == 2
    assert set(first) | set(second) <= easy_single
    assert not set(first) & set(second)


def test_a_later_round_leaves_out_what_an_earlier_round_already_asks():
    area = make_area()
    shared, only_in_quiz = make_question(area), make_question(area)
    quiz = make_quiz([shared, only_in_quiz])

    game = create(
        RoundSpec(kind=RoundKind.REQUIRED, question_ids=[shared.pk]),
        RoundSpec(kind=RoundKind.RISK, quiz_id=quiz.pk),
        RoundSpec(kind=RoundKind.BUZZER, draw=Draw(count=5, area_id=area.pk)),
    )

    assert asked(game, 1) == [shared.pk]
    assert asked(game, 2) == [only_in_quiz.pk]
    assert game.rounds.count() == 2  # the draw found nothing new, so that round is dropped


def test_a_quiz_without_usable_questions_or_a_missing_quiz_is_refused():
    empty = make_quiz([])
    with pytest.raises(Refused, match="没有可用的题目"):
        create(RoundSpec(kind=RoundKind.REQUIRED, quiz_id=empty.pk))
    with pytest.raises(Refused, match="不存在"):
        create(RoundSpec(kind=RoundKind.REQUIRED, quiz_id=empty.pk + 1))
