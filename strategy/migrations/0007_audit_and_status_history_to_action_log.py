"""Move every AuditEntry and FocusAreaStatusChange row into the one action log
(activity.Action), then drop both models.

A FocusAreaStatusChange row becomes a "focus_area.status" row (the dated status history shown
on the focus area's page). Until now each status change also wrote an AuditEntry
"focus_area.status" with the same focus area, status and actor: such an entry is merged into
the status row it belongs to (its id kept in data["audit_entry"]), so the history does not
show every change twice; an entry without such a twin becomes a row of its own. Stands alone:
the verbs are written out here, not imported from activity.verbs.
"""

from django.db import migrations

KNOWN = {
    "focus_area.proposed", "focus_area.created", "focus_area.moderated", "focus_area.status",
    "comment.added", "comment.hidden", "pledge.created", "pledge.changed", "round.created",
    "round.updated", "round.items", "round.stand_in", "round.opened", "round.closed",
    "round.priorities_confirmed", "ballot.cast",
}  # fmt: skip


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Action = apps.get_model("activity", "Action")
    AuditEntry = apps.get_model("strategy", "AuditEntry")
    StatusChange = apps.get_model("strategy", "FocusAreaStatusChange")
    area_type, _created = ContentType.objects.get_or_create(
        app_label="strategy", model="focusarea"
    )
    round_type, _created = ContentType.objects.get_or_create(
        app_label="strategy", model="votinground"
    )

    # Status rows first, remembering them by (focus area, status, actor) for the merge.
    status_rows = {}
    for change in StatusChange.objects.select_related("focus_area").order_by("changed_at", "pk"):
        action = Action.objects.create(
            created_at=change.changed_at,
            actor_id=change.changed_by_id,
            verb="focus_area.status",
            target_type=area_type,
            target_id=str(change.focus_area_id),
            target_label=change.focus_area.title[:300],
            data={"status": change.status, "note": change.note},
        )
        key = (change.focus_area_id, change.status, change.changed_by_id)
        status_rows.setdefault(key, []).append(action)

    batch = []
    for entry in AuditEntry.objects.select_related("round", "focus_area").order_by(
        "created_at", "pk"
    ):
        data = dict(entry.data or {})
        if entry.action == "focus_area.status" and entry.focus_area_id:
            key = (entry.focus_area_id, data.get("status"), entry.actor_id)
            twins = status_rows.get(key)
            if twins:
                twin = twins.pop(0)
                twin.data = {**twin.data, "audit_entry": entry.pk}
                twin.save(update_fields=["data"])
                continue
            data.setdefault("note", "")
        if entry.action in KNOWN:
            verb = entry.action
        else:
            verb = "strategy.other"
            data["action"] = entry.action
        target_type = target_id = None
        label = ""
        if entry.round_id:
            target_type, target_id = round_type, str(entry.round_id)
            label = entry.round.title if entry.round else ""
            if entry.focus_area_id:
                data["focus_area"] = entry.focus_area_id
        elif entry.focus_area_id:
            target_type, target_id = area_type, str(entry.focus_area_id)
            label = entry.focus_area.title if entry.focus_area else ""
        batch.append(
            Action(
                created_at=entry.created_at,
                actor_id=entry.actor_id,
                verb=verb,
                target_type=target_type,
                target_id=target_id or "",
                target_label=label[:300],
                data=data,
            )
        )
        if len(batch) >= 1000:
            Action.objects.bulk_create(batch)
            batch = []
    Action.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("strategy", "0006_editors_lose_ballot_rights"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="AuditEntry"),
        migrations.DeleteModel(name="FocusAreaStatusChange"),
    ]
