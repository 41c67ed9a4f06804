"""strategy 0008 dates each focus area's proposal from the first row of its status history
(the search's year), else from when its row was made."""

import datetime

import pytest
from django.utils import timezone

from tests.migration_steps import migrate as _migrate
from tests.migration_steps import today_afterwards  # noqa: F401 - autouse

BEFORE = [("strategy", "0007_audit_and_status_history_to_action_log")]
AFTER = [("strategy", "0008_focus_area_proposed_at")]


@pytest.mark.django_db(transaction=True)
def test_the_proposal_date_comes_from_the_first_status_row():
    old = _migrate(BEFORE)
    FocusArea = old.get_model("strategy", "FocusArea")
    Action = old.get_model("activity", "Action")
    ContentType = old.get_model("contenttypes", "ContentType")
    area_type, _created = ContentType.objects.get_or_create(app_label="strategy", model="focusarea")
    dated = FocusArea.objects.create(title="Klima", slug="klima")
    undated = FocusArea.objects.create(title="Data", slug="data")
    proposed = timezone.make_aware(datetime.datetime(2022, 10, 1, 12, 0))
    for at, status in ((proposed, "proposed"), (proposed.replace(year=2025), "ballot")):
        Action.objects.create(
            created_at=at,
            verb="focus_area.status",
            target_type=area_type,
            target_id=str(dated.pk),
            data={"status": status},
        )
    new = _migrate(AFTER)
    NewFocusArea = new.get_model("strategy", "FocusArea")
    assert NewFocusArea.objects.get(pk=dated.pk).proposed_at == proposed
    undated_now = NewFocusArea.objects.get(pk=undated.pk)
    assert undated_now.proposed_at == undated_now.created_at
