"""Progress through a lesson: started, position, time from server events, completion."""

from datetime import timedelta

import pytest
from django.utils import timezone

from training import services
from training.models import LessonProgress

from .factories import make_lesson

T0 = timezone.now().replace(microsecond=0)


@pytest.fixture
def lesson(db):
    return make_lesson()


def test_opening_a_lesson_starts_it_once(staff, lesson):
    first = services.open_lesson(person=staff, lesson=lesson, at=T0)
    again = services.open_lesson(person=staff, lesson=lesson, at=T0 + timedelta(minutes=5))
    assert first.pk == again.pk
    assert again.started_at == T0
    assert again.completed_at is None
    assert LessonProgress.objects.filter(person=staff, lesson=lesson).count() == 1


def test_time_spent_is_the_sum_of_capped_gaps_between_server_events(staff, lesson):
    services.open_lesson(person=staff, lesson=lesson, at=T0)
    services.record_reading(person=staff, lesson=lesson, at=T0 + timedelta(seconds=30), section="sec-1")
    services.record_reading(person=staff, lesson=lesson, at=T0 + timedelta(seconds=60))  # heartbeat
    # The phone lay on the table for an hour: that gap is not study time.
    services.open_lesson(person=staff, lesson=lesson, at=T0 + timedelta(hours=1))
    progress = services.record_reading(
        person=staff, lesson=lesson, at=T0 + timedelta(hours=1, seconds=45), section="sec-2"
    )
    assert progress.seconds_spent == 30 + 30 + 45
    assert progress.section == "sec-2"


def test_an_event_arriving_out_of_order_adds_no_time(staff, lesson):
    services.open_lesson(person=staff, lesson=lesson, at=T0 + timedelta(seconds=60))
    progress = services.record_reading(person=staff, lesson=lesson, at=T0, section="sec-1")
    assert progress.seconds_spent == 0
    assert progress.last_event_at == T0 + timedelta(seconds=60)


def test_a_heartbeat_keeps_the_saved_position_and_top_of_page_clears_it(staff, lesson):
    services.record_reading(person=staff, lesson=lesson, at=T0, section="sec-3")
    assert services.record_reading(person=staff, lesson=lesson, at=T0, section=None).section == "sec-3"
    assert services.record_reading(person=staff, lesson=lesson, at=T0, section="").section == ""


def test_a_position_in_a_section_the_lesson_does_not_have_is_refused(staff, lesson):
    with pytest.raises(services.UnknownSection):
        services.record_reading(person=staff, lesson=lesson, at=T0, section="sec-9")
    assert not LessonProgress.objects.exists()


def test_marking_as_learned_keeps_the_first_completion(staff, lesson):
    services.open_lesson(person=staff, lesson=lesson, at=T0)
    first = services.complete_lesson(person=staff, lesson=lesson, at=T0 + timedelta(seconds=40))
    again = services.complete_lesson(person=staff, lesson=lesson, at=T0 + timedelta(days=1))
    assert first.completed_at == again.completed_at == T0 + timedelta(seconds=40)
    assert again.seconds_spent == 40


def test_progress_is_per_person(staff, lesson, supervisor):
    services.complete_lesson(person=staff, lesson=lesson, at=T0)
    services.open_lesson(person=supervisor, lesson=lesson, at=T0)
    assert LessonProgress.objects.get(person=supervisor).completed_at is None


def test_retried_and_duplicated_events_never_count_more_than_the_time_that_passed(staff, lesson):
    """A phone on a bad network resends: the same save twice, a heartbeat retried a few seconds on."""
    arrivals = [0, 0, 20, 20, 21, 50, 50, 52, 80, 80]  # seconds after opening; repeats are retries
    services.open_lesson(person=staff, lesson=lesson, at=T0)
    for second in arrivals:
        services.record_reading(person=staff, lesson=lesson, at=T0 + timedelta(seconds=second), section="sec-1")
    progress = LessonProgress.objects.get(person=staff, lesson=lesson)
    assert progress.seconds_spent == 80  # the wall-clock span, however many requests arrived
    assert progress.section == "sec-1"


def test_two_devices_open_at_once_count_the_time_once(staff, lesson):
    services.open_lesson(person=staff, lesson=lesson, at=T0)
    for second in range(0, 301, 30):  # the phone and the desktop each send a heartbeat every 30 s
        services.record_reading(person=staff, lesson=lesson, at=T0 + timedelta(seconds=second))
        services.record_reading(person=staff, lesson=lesson, at=T0 + timedelta(seconds=second + 7))
    assert LessonProgress.objects.get().seconds_spent == 307
