"""纠错: learners report a question they think is wrong; content admins close the reports."""

from datetime import datetime

from django.db import transaction

from ..models import AttemptItem, QuestionReport, ReportStatus


def report_question(*, item: AttemptItem, reporter, text: str, at: datetime) -> QuestionReport:
    """A report on the question as this person saw it (its version is kept with the report)."""
    return QuestionReport.objects.create(
        question_id=item.question_id,
        reporter=reporter,
        question_version=item.question_version,
        text=text.strip()[:1000],
        created_at=at,
    )


@transaction.atomic
def close_report(*, report: QuestionReport, by, status: str, note: str, at: datetime) -> QuestionReport:
    if status not in (ReportStatus.FIXED, ReportStatus.REJECTED):
        raise ValueError(f"cannot close a report as {status!r}")
    report.status, report.handled_by, report.handled_at, report.note = status, by, at, note.strip()[:300]
    report.save(update_fields=["status", "handled_by", "handled_at", "note"])
    return report
