"""What the strategy app plugs into members (my page, personal data). Called from
StrategyConfig.ready(); the knowledge hub's search is fed from search_index.py."""

from django.utils.translation import gettext_lazy as _

from members.registry import Panel, PersonalData, register_my_page_panel, register_personal_data


def my_votes_context(*, user, **kwargs):
    from .selectors import my_votes

    rows = my_votes(user=user)
    return {"rows": rows} if rows else None


def personal_data_export(user) -> dict:
    from .models import Comment, FocusArea, Pledge, Voter
    from .selectors import ballot_of

    ballots = []
    for voter in Voter.objects.filter(user=user).select_related("round"):
        # The person's own ballot, found through the keyed link as on the round page.
        ballot = ballot_of(voter=voter)
        ballots.append(
            {
                "round": voter.round.title,
                "weight": voter.weight,
                "receipt": ballot.receipt if ballot else None,
                "choices": [
                    {"focus_area": c.item.focus_area.title, "rank": c.rank}
                    for c in ballot.choices.all()
                ]
                if ballot
                else [],
            }
        )
    return {
        "proposed_focus_areas": [
            {"title": f.title, "created_at": f.created_at.isoformat()}
            for f in FocusArea.objects.filter(proposer=user)
        ],
        "comments": [
            {
                "focus_area": c.focus_area.title,
                "body": c.body,
                "created_at": c.created_at.isoformat(),
            }
            for c in Comment.objects.filter(author=user).select_related("focus_area")
        ],
        "pledges": [
            {
                "summit": p.summit.title,
                "focus_area": p.focus_area.title,
                "organisation": p.organisation.name,
                "assessment": p.assessment,
                "backing": p.backing_kinds,
                "amount": str(p.amount) if p.amount is not None else None,
                "comment": p.comment,
            }
            for p in Pledge.objects.filter(person=user).select_related(
                "summit", "focus_area", "organisation"
            )
        ],
        "ballots": ballots,
    }


def personal_data_erase(user) -> None:
    """Comments go; proposals and pledges stay without the person (they belong to the
    association and the organisation); ballots stay anonymous (Voter.user is SET_NULL when
    the account is deleted) so that no counted result changes."""
    from .models import Comment, FocusArea, Pledge

    Comment.objects.filter(author=user).delete()
    FocusArea.objects.filter(proposer=user).update(proposer=None)
    Pledge.objects.filter(person=user).update(person=None)


def register_all() -> None:
    register_my_page_panel(
        Panel(
            key="strategy.my_votes",
            title=_("My votes"),
            template="strategy/includes/_my_votes.html",
            context=my_votes_context,
            order=60,
            cached_under=(),  # votes and rounds are content
        )
    )
    register_personal_data(
        PersonalData(key="strategy", export=personal_data_export, erase=personal_data_erase)
    )
