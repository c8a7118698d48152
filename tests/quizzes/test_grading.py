"""Grading rules shared by every activity."""

import pytest
from django.utils import timezone

from quizzes.grading import grade, normalize_answer
from quizzes.models import MemoryCard, QuestionKind
from quizzes.services import record_outcome
from tests.quizzes.factories import make_question

pytestmark = pytest.mark.django_db


def test_single_choice():
    question = make_question(correct="A")
    assert grade(question, labels=["A"]).correct
    assert grade(question, labels=["B"]).ratio == 0
    assert grade(question, labels=[]).ratio == 0


@pytest.mark.parametrize(
    ("given", "ratio"),
    [("AC", 1.0), ("CA", 1.0), ("A", 0.5), ("C", 0.5), ("AB", 0.0), ("ABC", 0.0), ("", 0.0), ("D", 0.0)],
)
def test_multiple_choice_partial_credit(given, ratio):
    question = make_question(kind=QuestionKind.MULTIPLE, correct="AC")
    assert grade(question, labels=list(given)).ratio == ratio


def test_true_false():
    question = make_question(kind=QuestionKind.TRUE_FALSE, correct="B")
    assert grade(question, labels=["b"]).correct
    assert not grade(question, labels=["A"]).correct


@pytest.mark.parametrize("given", ["一次告知", " 一次 告知 ", "一次告知。", "一次告知．"])
def test_fill_blank_tolerates_whitespace_and_trailing_stop(given):
    question = make_question(kind=QuestionKind.FILL_BLANK, accepted=["一次告知", "一次性告知"])
    assert grade(question, text=given).correct


def test_fill_blank_full_width_and_case():
    question = make_question(kind=QuestionKind.FILL_BLANK, accepted=["12333"])
    assert grade(question, text="１２３３３").correct
    assert normalize_answer("ＡＢｃ") == "abc"
    assert not grade(question, text="").correct
    assert not grade(question, text="12345").correct


def test_a_second_wrong_answer_counts_on_the_same_card(staff):
    question = make_question()
    now = timezone.now()
    record_outcome(person=staff, question=question, ratio=0, source="practice", at=now)
    card = record_outcome(person=staff, question=question, ratio=0.5, source="exam", at=now)
    assert (card.wrong_count, card.reviews, card.source) == (2, 2, "exam")
    assert MemoryCard.objects.count() == 1
