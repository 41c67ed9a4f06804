from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .counting import TIE_BREAK_RULE
from .forms import CommentForm, ConfirmPrioritiesForm, PledgeForm, ProposalForm
from .models import VotingRound


def _error_text(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not do this.")


def index(request):
    context = selectors.strategy_page()
    context["can_propose"] = selectors.user_can_propose(user=request.user)
    return render(request, "strategy/index.html", context)


def focus_area(request, slug):
    area = selectors.focus_area_for(slug=slug, user=request.user)
    if area is None:
        raise Http404
    context = selectors.focus_area_page(area=area, user=request.user)
    context["comment_form"] = CommentForm()
    return render(request, "strategy/focus_area.html", context)


@require_POST
def comment(request, slug):
    area = selectors.focus_area_for(slug=slug, user=request.user)
    if area is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(area.get_absolute_url())
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(focus_area=area, user=request.user, body=form.cleaned_data["body"])
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Your comment is published."))
            return redirect(area.get_absolute_url() + "#comments")
    context = selectors.focus_area_page(area=area, user=request.user)
    context["comment_form"] = form
    return render(request, "strategy/focus_area.html", context, status=400)


@login_required
def propose(request):
    if not selectors.user_can_propose(user=request.user):
        raise PermissionDenied(
            _("Members, the Advisory Board and the board can propose focus areas.")
        )
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            area = services.focus_area_propose(user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            if area.moderation == area.Moderation.PENDING:
                messages.success(
                    request,
                    _("Thank you. The secretariat reviews your proposal before it is shown."),
                )
            else:
                messages.success(request, _("The focus area is published."))
            return redirect(area.get_absolute_url())
    return render(
        request,
        "strategy/propose.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def pledge(request, slug):
    area = selectors.focus_area_for(slug=slug, user=request.user)
    if area is None:
        raise Http404
    organisations = selectors.user_pledge_organisations(user=request.user)
    if not organisations.exists():
        raise PermissionDenied(
            _("Pledges are given through a person affiliated with an organisation.")
        )
    form = PledgeForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.pledge_save(
                summit=data["summit"],
                focus_area=area,
                organisation=data["organisation"],
                user=request.user,
                assessment=data["assessment"],
                practical=data["practical"],
                theoretical=data["theoretical"],
                financial=data["financial"],
                amount=data["amount"],
                comment=data["comment"],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Thank you: the pledge is saved."))
            return redirect(area.get_absolute_url() + "#summit")
    return render(
        request,
        "strategy/pledge.html",
        {"form": form, "focus_area": area},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def votes(request):
    if not selectors.user_can_see_votes(user=request.user):
        raise PermissionDenied(_("Voting rounds are for the board and the electorate."))
    rounds = list(selectors.rounds_for(user=request.user))
    now = timezone.now()
    for voting_round in rounds:
        voting_round.state = voting_round.state_label(now)
    return render(request, "strategy/votes.html", {"rounds": rounds})


def _parse_ballot(request, voting_round: VotingRound):
    """Read the POST: approval ticks `item=<id>`, ranked selects `rank_<id>=<n>` (blank means
    not ranked). Anything unreadable is refused with a message."""
    if voting_round.is_ranked:
        ranks = {}
        for key, value in request.POST.items():
            if not key.startswith("rank_"):
                continue
            if value.strip() == "":
                continue
            try:
                ranks[int(key.removeprefix("rank_"))] = int(value)
            except ValueError:
                raise ValidationError(_("Ranks are whole numbers.")) from None
        return {"ranks": ranks}
    try:
        approvals = [int(v) for v in request.POST.getlist("item")]
    except ValueError:
        raise ValidationError(_("You voted for something that is not on this ballot.")) from None
    return {"approvals": approvals}


@login_required
def vote_detail(request, pk):
    voting_round = get_object_or_404(VotingRound, pk=pk)
    if not selectors.user_can_see_round(user=request.user, voting_round=voting_round):
        raise PermissionDenied(_("This voting round is for its electorate."))
    now = timezone.now()
    if voting_round.opened_at and voting_round.has_ended(now) and not voting_round.is_counted:
        voting_round = services.round_close(voting_round=voting_round, now=now)
    from allauth.mfa.utils import is_mfa_enabled

    voter = selectors.voter_for(voting_round=voting_round, user=request.user)
    status = 200
    receipt = None
    if request.method == "POST":
        if voter is None:
            raise PermissionDenied(_("You are not in this round's electorate."))
        try:
            choices = _parse_ballot(request, voting_round)
            services.ballot_cast(voting_round=voting_round, user=request.user, now=now, **choices)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
            status = 400
        else:
            # The receipt code stays out of the message: messages may be kept in the session,
            # in the database, beside the user's id. The page shows it from the ballot.
            messages.success(request, _("Your ballot is saved."))
            return redirect(voting_round.get_absolute_url())
    items = selectors.ballot_items(voting_round=voting_round)
    chosen = selectors.current_choices(voter=voter)
    if voter is not None:
        voter = selectors.voter_for(voting_round=voting_round, user=request.user)
        receipt = getattr(selectors.ballot_of(voter=voter), "receipt", None)
    posted = request.POST if status == 400 else None
    for item in items:
        item.current_rank = chosen.get(item.pk)
        item.is_chosen = item.pk in chosen
        if posted is not None:
            item.current_rank = posted.get(f"rank_{item.pk}") or None
            item.is_chosen = str(item.pk) in posted.getlist("item")
    return render(
        request,
        "strategy/vote_detail.html",
        {
            "voting_round": voting_round,
            "items": items,
            "rank_choices": range(1, len(items) + 1),
            "voter": voter,
            "receipt": receipt,
            "has_mfa": is_mfa_enabled(request.user),
            "is_open": voting_round.is_open_for_voting(now) and not voting_round.is_counted,
            "result": selectors.round_result(voting_round=voting_round),
            "tie_break_rule": TIE_BREAK_RULE,
            "state": voting_round.state_label(now),
            # The quorum is read against the electorate, fixed at the opening.
            "electorate_size": voting_round.voters.count() if voting_round.opened_at else None,
        },
        status=status,
    )


@staff_member_required
def confirm_priorities(request, pk):
    # The admin's login for anyone who is not staff; the permission for staff, so that an
    # Event manager (staff without strategy rights) is refused before anything is read.
    if not selectors.user_can_confirm_priorities(user=request.user):
        raise PermissionDenied(_("Only the secretariat may do this."))
    voting_round = get_object_or_404(VotingRound, pk=pk)
    form = ConfirmPrioritiesForm(request.POST or None, voting_round=voting_round)
    if request.method == "POST" and form.is_valid():
        try:
            queued = services.round_confirm_priorities(
                voting_round=voting_round,
                actor=request.user,
                focus_areas=form.cleaned_data["focus_areas"],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(
                request,
                _("The priorities are confirmed; %(n)s announcement mails are queued.")
                % {"n": queued},
            )
            return redirect(voting_round.get_absolute_url())
    if request.method == "GET" and voting_round.result.get("ranking"):
        # Suggest the leaders of the count; staff decide.
        leaders = voting_round.result["ranking"][
            : max(1, min(3, len(voting_round.result["ranking"])))
        ]
        form.initial["focus_areas"] = list(
            form.fields["focus_areas"].queryset.filter(ballot_items__pk__in=leaders)
        )
    return render(
        request,
        "strategy/confirm_priorities.html",
        {
            "form": form,
            "voting_round": voting_round,
            "result": selectors.round_result(voting_round=voting_round),
        },
        status=400 if request.method == "POST" else 200,
    )
