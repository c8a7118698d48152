"""Records that only activity creates (answers, runs, reports, mistakes) cannot be added by hand in
the admin, and their pages name people without linking to the user pages closed to content admins."""

import pytest
from django.urls import reverse

RECORDS = ["quizzes_attempt", "quizzes_questionreport", "quizzes_memorycard", "simulations_run"]


@pytest.mark.parametrize("model", RECORDS)
def test_a_content_admin_cannot_add_records_that_activity_creates(client, content_admin, model):
    client.force_login(content_admin)
    assert client.get(reverse(f"admin:{model}_add")).status_code == 403
    changelist = client.get(reverse(f"admin:{model}_changelist")).content.decode()
    assert reverse(f"admin:{model}_add") not in changelist
