"""Representatives are appointed by staff, never self-declared (issue 12, finding 5).

1. A representative affiliation that the person asked for themselves (its "created" history
   row was written by that same person, as affiliation_request does) becomes an employee
   affiliation, with a history row saying why: the secretariat appoints representatives.
2. Each organisation's council voter is set to the representative the old rule chose (the
   current, confirmed representative with the earliest start), among those staff appointed,
   so that council rounds opened after this keep the same voters. Staff change it in the
   admin.
"""

from django.db import migrations
from django.db.models import F, Q
from django.utils import timezone

REASON = "representative role removed: self-declared"


def forwards(apps, schema_editor):
    Affiliation = apps.get_model("members", "Affiliation")
    HistoricalAffiliation = apps.get_model("members", "HistoricalAffiliation")
    Organisation = apps.get_model("members", "Organisation")
    now = timezone.now()
    today = timezone.localdate()

    self_declared = HistoricalAffiliation.objects.filter(
        history_type="+", role="representative", history_user_id=F("user_id")
    ).values_list("id", flat=True)
    for affiliation in Affiliation.objects.filter(role="representative", pk__in=self_declared):
        affiliation.role = "employee"
        affiliation.save(update_fields=["role"])
        HistoricalAffiliation.objects.create(
            id=affiliation.pk,
            user_id=affiliation.user_id,
            organisation_id=affiliation.organisation_id,
            role=affiliation.role,
            starts_on=affiliation.starts_on,
            ends_on=affiliation.ends_on,
            confirmed_at=affiliation.confirmed_at,
            confirmed_by_id=affiliation.confirmed_by_id,
            created_at=affiliation.created_at,
            history_date=now,
            history_type="~",
            history_user=None,
            history_change_reason=REASON,
        )

    current = (
        Affiliation.objects.filter(
            role="representative", confirmed_at__isnull=False, starts_on__lte=today
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by("organisation_id", "starts_on", "id")
    )
    chosen = {}
    for affiliation in current:
        chosen.setdefault(affiliation.organisation_id, affiliation.user_id)
    for organisation in Organisation.objects.filter(
        pk__in=list(chosen), council_voter__isnull=True
    ):
        organisation.council_voter_id = chosen[organisation.pk]
        organisation.save(update_fields=["council_voter"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_organisation_council_voter"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
