"""What PostgreSQL reads to deliver a newsletter when its statistics predate it.

The delivery log is mostly sent mail; a newsletter's rows are rarely a tenth of it, so
autovacuum does not analyse the table again and the planner believes nothing is pending. With
those statistics, a claim used to read and sort every pending row and each sent mark scanned
them all again (3,000 rows fetched per mail at 10,000 addresses). Each test plans the real
statements of a delivery, taken as they ran, in that state."""

import json
import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from devtools.factories.outbox import OutboxMessageFactory
from outbox import delivery
from outbox.models import Batch, OutboxMessage

pytestmark = pytest.mark.django_db

TABLE = OutboxMessage._meta.db_table
PENDING = 600


@pytest.fixture
def stale_statistics():
    """A log of sent mail, analysed; then a newsletter's rows arrive, not analysed."""
    earlier = timezone.now() - timedelta(days=1)
    sent_batches = Batch.objects.bulk_create(
        Batch(label=f"Nyhedsbrev {n}", finished_at=earlier) for n in range(20)
    )
    OutboxMessage.objects.bulk_create(
        OutboxMessageFactory.build(
            status=OutboxMessage.Status.SENT, sent_at=earlier, batch=sent_batches[n % 20]
        )
        for n in range(4000)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(TABLE)}")
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Batch._meta.db_table)}")
    batch = Batch.objects.create(label="Nyhedsbrev december")
    due = timezone.now() - timedelta(seconds=1)
    OutboxMessage.objects.bulk_create(
        OutboxMessageFactory.build(batch=batch, next_attempt_at=due) for _n in range(PENDING)
    )
    return batch


def _plan(sql: str, *, analyze: bool) -> dict:
    options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}")
        plan = cursor.fetchone()[0]
        transaction.set_rollback(True)  # an analysed UPDATE ran: undo it
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _outbox_scans(plan: dict) -> list[dict]:
    return [
        node
        for node in _nodes(plan)
        if node.get("Relation Name") == TABLE and node["Node Type"].endswith("Scan")
    ]


def test_a_claim_walks_the_pending_index_in_order_and_reads_only_what_it_takes(
    stale_statistics,
):
    with CaptureQueriesContext(connection) as ran:
        token, _lease, claimed = delivery.outbox_claim(limit=25)
    assert len(claimed) == 25
    claim = next(q["sql"] for q in ran if "FOR UPDATE" in q["sql"])
    OutboxMessage.objects.filter(claim_token=token).update(
        status=OutboxMessage.Status.QUEUED, claim_token=None, lease_until=None
    )
    plan = _plan(claim, analyze=True)
    assert not [node for node in _nodes(plan) if node["Node Type"] in ("Sort", "Hash Join")]
    (scan,) = _outbox_scans(plan)
    assert scan["Index Name"] == "outbox_pending_idx"
    assert scan["Actual Rows"] <= 25 < PENDING


def test_each_write_of_a_delivery_finds_its_rows_by_primary_key(stale_statistics, smtp):
    with CaptureQueriesContext(connection) as ran:
        result = delivery.outbox_deliver(limit=25)
    assert result.sent == 25
    updates = [
        q["sql"]
        for q in ran
        if q["sql"].startswith(f'UPDATE "{TABLE}"') and "claim_token" in q["sql"].split("WHERE")[1]
    ]
    assert len(updates) >= 2  # the sent marks and the hand-back of what was not sent
    for sql in updates:
        for scan in _outbox_scans(_plan(sql, analyze=False)):
            assert scan["Node Type"] == "Index Scan", sql
            assert scan["Index Name"].endswith("_pkey"), sql


def test_a_claim_token_means_the_row_is_being_sent():
    row = OutboxMessageFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.filter(pk=row.pk).update(claim_token=uuid.uuid4())
