"""The demo data command: one center, three teams, about thirty staff, and idempotent."""

import pytest
from django.core.management import call_command

from accounts.models import Center, Role, Team, User
from training.models import BusinessArea

pytestmark = pytest.mark.django_db


def counts():
    return (
        Center.objects.count(),
        Team.objects.count(),
        User.objects.filter(role=Role.STAFF).count(),
        User.objects.filter(role=Role.SUPERVISOR).count(),
        User.objects.filter(role=Role.MANAGER).count(),
        User.objects.filter(role=Role.ADMIN).count(),
        BusinessArea.objects.count(),
    )


def test_load_demo_creates_the_demo_center_and_is_idempotent(settings):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = counts()
    assert first == (1, 3, 30, 3, 1, 1, 9)
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == first
    supervisor = User.objects.get(username="sup1")
    assert supervisor.led_teams.count() == 1
    assert User.objects.get(username="staff01").check_password(settings.DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_staff
