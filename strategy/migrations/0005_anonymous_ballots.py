"""Secret ballots that are secret (issue 12, finding 4).

Ballots lose their voter, their times and their sequential ids: each becomes an anonymous row
keyed by a random UUID, found by its voter through an HMAC of (round, voter) under a key
derived from SECRET_KEY (strategy/secrecy.py). Voter gains ``has_voted``.

Every existing ballot is copied with its receipt code (voters have been shown it), its choices
and its weight, in a random order, and the old tables are dropped. The audit rows of ballots in
rounds not yet counted are deleted: they named the voter with the time of voting and, for open
rounds, the choices; the close writes one row per voter instead (services.round_close).
Counted rounds keep their rows (after the close nothing in the ballot table carries a time or
an order any more, so the old times match nothing).

Going back restores the old tables empty: the ballots would need their voters, which only
SECRET_KEY and the electorate can give back.
"""

import random
import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils.crypto import salted_hmac

# A frozen copy of strategy.secrecy.ballot_link (which must never change either).
LINK_SALT = "almennet.strategy.ballot-link"


def _link(round_id: int, voter_id: int) -> str:
    return salted_hmac(
        LINK_SALT, f"{int(round_id)}:{int(voter_id)}", secret=settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()


def copy_ballots(apps, schema_editor):
    OldBallot = apps.get_model("strategy", "Ballot")
    OldChoice = apps.get_model("strategy", "BallotChoice")
    NewBallot = apps.get_model("strategy", "AnonymousBallot")
    NewChoice = apps.get_model("strategy", "AnonymousBallotChoice")
    Voter = apps.get_model("strategy", "Voter")
    AuditEntry = apps.get_model("strategy", "AuditEntry")
    rng = random.SystemRandom()

    old_ballots = list(OldBallot.objects.select_related("voter"))
    rng.shuffle(old_ballots)
    choices_of = {}
    for choice in OldChoice.objects.all():
        choices_of.setdefault(choice.ballot_id, []).append(choice)
    new_ballots, new_choices = [], []
    for old in old_ballots:
        new = NewBallot(
            id=uuid.uuid4(),
            round_id=old.round_id,
            link=_link(old.round_id, old.voter_id),
            receipt=old.receipt,
            weight=old.voter.weight,
        )
        new_ballots.append(new)
        for choice in choices_of.get(old.pk, []):
            new_choices.append(
                NewChoice(id=uuid.uuid4(), ballot=new, item_id=choice.item_id, rank=choice.rank)
            )
    rng.shuffle(new_choices)
    NewBallot.objects.bulk_create(new_ballots)
    NewChoice.objects.bulk_create(new_choices)
    Voter.objects.filter(pk__in=[old.voter_id for old in old_ballots]).update(has_voted=True)
    AuditEntry.objects.filter(
        action__in=["ballot.cast", "ballot.changed"], round__closed_at__isnull=True
    ).delete()
    # Rounds that are secret and weighted stay as they were counted or opened; new ones are
    # refused (VotingRound.clean), since a ballot's weight would name its organisation.


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0004_confirm_priorities_permission"),
    ]

    operations = [
        migrations.AddField(
            model_name="voter",
            name="has_voted",
            field=models.BooleanField(default=False, verbose_name="has voted"),
        ),
        migrations.CreateModel(
            name="AnonymousBallot",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("link", models.CharField(editable=False, max_length=64, verbose_name="link")),
                ("receipt", models.CharField(max_length=20, verbose_name="receipt code")),
                ("weight", models.PositiveIntegerField(default=1, verbose_name="weight")),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="strategy.votinground",
                        verbose_name="voting round",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="AnonymousBallotChoice",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("rank", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="rank")),
                (
                    "ballot",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="strategy.anonymousballot",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="strategy.ballotitem",
                    ),
                ),
            ],
        ),
        migrations.RunPython(copy_ballots, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel(name="BallotChoice"),
        migrations.DeleteModel(name="Ballot"),
        migrations.RenameModel(old_name="AnonymousBallot", new_name="Ballot"),
        migrations.RenameModel(old_name="AnonymousBallotChoice", new_name="BallotChoice"),
        migrations.AlterField(
            model_name="ballot",
            name="round",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="ballots",
                to="strategy.votinground",
                verbose_name="voting round",
            ),
        ),
        migrations.AlterField(
            model_name="ballotchoice",
            name="ballot",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="choices",
                to="strategy.ballot",
            ),
        ),
        migrations.AlterField(
            model_name="ballotchoice",
            name="item",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="choices",
                to="strategy.ballotitem",
            ),
        ),
        migrations.AlterModelOptions(
            name="ballot",
            options={
                "ordering": ["receipt"],
                "verbose_name": "ballot",
                "verbose_name_plural": "ballots",
            },
        ),
        migrations.AlterModelOptions(
            name="ballotchoice",
            options={"ordering": ["rank", "item__position"]},
        ),
        migrations.AddConstraint(
            model_name="ballot",
            constraint=models.UniqueConstraint(
                fields=("round", "link"), name="ballot_link_once_per_round"
            ),
        ),
        migrations.AddConstraint(
            model_name="ballot",
            constraint=models.UniqueConstraint(
                fields=("round", "receipt"), name="ballot_receipt_once_per_round"
            ),
        ),
        migrations.AddConstraint(
            model_name="ballotchoice",
            constraint=models.UniqueConstraint(
                fields=("ballot", "item"), name="ballot_choice_item_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="ballotchoice",
            constraint=models.UniqueConstraint(
                condition=models.Q(rank__isnull=False),
                fields=("ballot", "rank"),
                name="ballot_choice_rank_once",
            ),
        ),
    ]
