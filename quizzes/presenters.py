"""What templates get to see of a question.

Before an answer is due, templates receive only public_question(): stem and option texts, never
is_correct, accepted answers or the explanation, so no template can leak them by mistake.
"""

import string
from dataclasses import dataclass, field

from .models import Attempt, AttemptItem, Question, QuestionKind

LETTERS = string.ascii_uppercase


@dataclass(frozen=True)
class PublicOption:
    value: str  # the label sent back (the original label, even when options are shuffled)
    letter: str  # the letter shown
    text: str


@dataclass(frozen=True)
class PublicQuestion:
    kind: str
    kind_label: str
    stem: str
    field: str
    options: list[PublicOption]
    chosen: list[str] = field(default_factory=list)
    text: str = ""
    number: int = 0

    @property
    def is_multiple(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE

    @property
    def is_fill(self) -> bool:
        return self.kind == QuestionKind.FILL_BLANK

    @property
    def answered(self) -> bool:
        return bool(self.chosen or self.text)


def _options(raw: list[dict]) -> list[PublicOption]:
    return [PublicOption(value=o["label"], letter=LETTERS[i], text=o["text"]) for i, o in enumerate(raw)]


def public_question(question: Question, *, field: str, number: int = 0) -> PublicQuestion:
    options = [{"label": o.label, "text": o.text} for o in question.options.all()]
    return PublicQuestion(
        kind=question.kind,
        kind_label=QuestionKind(question.kind).label,
        stem=question.stem,
        field=field,
        options=_options(options),
        number=number,
    )


def public_item(item: AttemptItem) -> PublicQuestion:
    """An attempt's question as asked, with the person's saved answer (to resume) and nothing else."""
    snapshot = item.snapshot
    return PublicQuestion(
        kind=snapshot["kind"],
        kind_label=QuestionKind(snapshot["kind"]).label,
        stem=snapshot["stem"],
        field=f"q{item.position}",
        options=_options(snapshot.get("options", [])),
        chosen=list(item.response.get("labels", [])),
        text=item.response.get("text", ""),
        number=item.position,
    )


@dataclass(frozen=True)
class ReviewedOption:
    letter: str
    text: str
    is_correct: bool
    chosen: bool


@dataclass(frozen=True)
class ReviewedItem:
    """A question after it was answered: everything, including the answer and 解析."""

    item: AttemptItem
    number: int
    kind_label: str
    stem: str
    options: list[ReviewedOption]
    given_text: str
    correct_text: str  # "A、C" or the accepted answers
    explanation: str
    source: str
    ratio: float
    answered: bool = True

    @property
    def verdict(self) -> str:
        if not self.answered:
            return "unanswered"
        if self.ratio >= 1:
            return "correct"
        return "partial" if self.ratio > 0 else "wrong"


def reviewed_item(item: AttemptItem) -> ReviewedItem:
    snapshot = item.snapshot
    chosen = set(item.response.get("labels", []))
    options = [
        ReviewedOption(letter=LETTERS[i], text=o["text"], is_correct=o["is_correct"], chosen=o["label"] in chosen)
        for i, o in enumerate(snapshot.get("options", []))
    ]
    if snapshot["kind"] == QuestionKind.FILL_BLANK:
        correct_text = " / ".join(snapshot.get("accepted_answers", []))
    else:
        correct_text = "、".join(o.letter for o in options if o.is_correct)
    return ReviewedItem(
        item=item,
        number=item.position,
        kind_label=QuestionKind(snapshot["kind"]).label,
        stem=snapshot["stem"],
        options=options,
        given_text=item.response.get("text", ""),
        correct_text=correct_text,
        explanation=snapshot.get("explanation", ""),
        source=snapshot.get("source", ""),
        ratio=item.ratio or 0.0,
        answered=bool(item.response.get("labels") or item.response.get("text")),
    )


def reviewed_items(attempt: Attempt) -> list[ReviewedItem]:
    return [reviewed_item(item) for item in attempt.items.all()]
