"""Who someone is and what they may do. Every other app asks these functions."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from almennet.compiled import CompiledQuery
from almennet.page_cache import personal
from almennet.periods import period_includes

from .models import Affiliation, Organisation, Seat, User


def _is_real_user(user) -> bool:
    return bool(user and user.is_authenticated)


def user_is_member(*, user, on: datetime.date | None = None) -> bool:
    """A member is a user with a current, confirmed affiliation to an organisation whose
    membership is active on the day (default today)."""
    if not _is_real_user(user):
        return False
    return Affiliation.objects.counting_as_member(on).filter(user=user).exists()


@dataclass(frozen=True)
class Standing:
    """Where a person stands on a day, read in one query: the organisations of their current
    confirmed affiliations (by name), and which of them are members that day. A page or a
    sign-up asks it once and passes it on, instead of asking the database per question."""

    organisations: tuple[Organisation, ...]
    on: datetime.date
    # Member organisations the person represents in the representative council that day.
    represented: tuple[Organisation, ...] = ()

    @classmethod
    def of(cls, affiliations, on: datetime.date) -> "Standing":
        """From the person's affiliations (with their organisations), whatever their state:
        the same rule as Affiliation.objects.current() and counting_as_member()."""
        current = [
            a
            for a in affiliations
            if a.confirmed_at and period_includes(a.starts_on, a.ends_on, on)
        ]
        by_pk = {a.organisation.pk: a.organisation for a in current}
        return cls(
            organisations=tuple(sorted(by_pk.values(), key=lambda o: o.name)),
            on=on,
            represented=tuple(
                a.organisation
                for a in current
                if a.role == Affiliation.Role.REPRESENTATIVE
                and a.organisation.has_active_membership(on)
            ),
        )

    @property
    def member_organisations(self) -> tuple[Organisation, ...]:
        return tuple(o for o in self.organisations if o.has_active_membership(self.on))

    @property
    def is_member(self) -> bool:
        """As user_is_member(): a current, confirmed affiliation to a member organisation."""
        return bool(self.member_organisations)

    @property
    def is_representative(self) -> bool:
        """As user_is_representative()."""
        return bool(self.represented)

    @property
    def default_organisation(self) -> Organisation | None:
        """The organisation to act for when none is chosen: a member one first, then by name."""
        members_first = sorted(
            self.organisations, key=lambda o: (not o.has_active_membership(self.on), o.name)
        )
        return members_first[0] if members_first else None


def user_standing(*, user, on: datetime.date | None = None) -> Standing:
    """Kept under the content version (almennet.page_cache.personal): affiliations and
    organisations are content, so a confirmed affiliation moves it once committed."""
    on = on or today()
    if not _is_real_user(user):
        return Standing(organisations=(), on=on)

    def build() -> Standing:
        return Standing.of(_CURRENT_AFFILIATIONS.objects(user=user.pk, on=on), on)

    return personal("standing", build, user, on)


# Compiled once (almennet/compiled.py): a member's first page of the day asks it.
_CURRENT_AFFILIATIONS = CompiledQuery(
    lambda user, on: (
        Affiliation.objects.current(on).filter(user_id=user).select_related("organisation")
    ),
    user=int,
    on=datetime.date,
)


def user_affiliations_and_seats(*, user) -> tuple[list[Affiliation], list[Seat]]:
    """Every affiliation (confirmed or not, ended too) and seat of the person, newest first,
    with their organisations: what my page lists. Content, so kept per person
    (almennet.page_cache.personal) like where they stand."""

    def build() -> tuple[list, list]:
        affiliations = Affiliation.objects.filter(user=user).select_related("organisation")
        seats = Seat.objects.filter(user=user).select_related("organisation")
        return list(affiliations.order_by("-starts_on")), list(seats.order_by("-starts_on"))

    return personal("affiliations-and-seats", build, user)


def user_member_organisations(*, user, on: datetime.date | None = None):
    """The member organisations the user currently acts for."""
    if not _is_real_user(user):
        return Organisation.objects.none()
    ids = Affiliation.objects.counting_as_member(on).filter(user=user).values("organisation_id")
    return Organisation.objects.filter(id__in=ids)


def user_current_seats(*, user, body: str | None = None, on: datetime.date | None = None):
    if not _is_real_user(user):
        return Seat.objects.none()
    seats = Seat.objects.current(on).filter(user=user)
    return seats.filter(body=body) if body else seats


def user_is_board_member(*, user, on: datetime.date | None = None) -> bool:
    """Holds a board seat on the day, substitutes included."""
    return user_current_seats(user=user, body=Seat.Body.BOARD, on=on).exists()


def user_is_advisory_member(*, user, on: datetime.date | None = None) -> bool:
    return user_current_seats(user=user, body=Seat.Body.ADVISORY, on=on).exists()


def user_can_see_contact_details(*, user) -> bool:
    if not _is_real_user(user):
        return False
    return user.is_staff or user_is_member(user=user)


def board_members(*, on: datetime.date | None = None):
    return User.objects.filter(seats__in=Seat.objects.current(on).board()).distinct()


def today() -> datetime.date:
    return timezone.localdate()


def user_is_representative(*, user, on: datetime.date | None = None) -> bool:
    """Sits in the representative council: a current representative affiliation to a member
    organisation."""
    if not _is_real_user(user):
        return False
    return (
        Affiliation.objects.counting_as_member(on)
        .filter(user=user, role=Affiliation.Role.REPRESENTATIVE)
        .exists()
    )


def representative_conflict(*, affiliation: Affiliation) -> str | None:
    """Before staff confirm (or save) a representative: a sentence saying who already
    represents the organisation or casts its council vote, or None when nobody does."""
    if affiliation.role != Affiliation.Role.REPRESENTATIVE:
        return None
    organisation = affiliation.organisation
    others = (
        Affiliation.objects.current()
        .filter(organisation=organisation, role=Affiliation.Role.REPRESENTATIVE)
        .exclude(pk=affiliation.pk)
        .exclude(user_id=affiliation.user_id)
        .select_related("user")
    )
    names = sorted({str(other.user) for other in others})
    voter = organisation.council_voter
    if voter is not None and voter.pk != affiliation.user_id and str(voter) not in names:
        names.append(str(voter))
    if not names:
        return None
    return _(
        "%(organisation)s already has a representative (%(names)s); %(voter)s casts its vote "
        "in council rounds. Check that %(person)s should represent it too."
    ) % {
        "organisation": organisation.name,
        "names": ", ".join(names),
        "voter": str(voter) if voter is not None else _("nobody yet"),
        "person": str(affiliation.user),
    }


def user_can_see_engagement_report(*, user, standing: Standing | None = None) -> bool:
    """Staff and representatives; `standing` (user_standing, or Standing.of the person's
    affiliations) answers without a query when the caller has it."""
    if not _is_real_user(user):
        return False
    if user.is_staff:
        return True
    return standing.is_representative if standing else user_is_representative(user=user)


# --- the directory ---------------------------------------------------------------------


def member_organisations(*, on: datetime.date | None = None):
    return Organisation.objects.members(on).order_by("name")


def partner_organisations():
    """Knowledge organisations, financial partners and others that work with AlmenNet without
    being members."""
    return Organisation.objects.partners().order_by("kind", "name")


def directory_totals(*, on: datetime.date | None = None) -> dict:
    from django.db.models import Count, Sum

    totals = Organisation.objects.members(on).aggregate(count=Count("id"), homes=Sum("homes"))
    return {"count": totals["count"] or 0, "homes": totals["homes"] or 0}


def member_figures() -> dict:
    """How many member organisations and homes the association has today ("54
    medlemsorganisationer, 464.000 boliger" on the front page and in every page's footer): one
    aggregate query. The footer's context processor keeps it under the page cache's content
    version (members/context_processors.py)."""
    return directory_totals()


def organisation_people(*, organisation: Organisation, on: datetime.date | None = None):
    """The confirmed, current affiliations of an organisation with their people, in one
    query."""
    return (
        Affiliation.objects.current(on)
        .filter(organisation=organisation, user__is_active=True)
        .select_related("user")
        .order_by("role", "user__first_name", "user__last_name")
    )


def organisation_current_seats(*, organisation: Organisation, on: datetime.date | None = None):
    return Seat.objects.current(on).filter(organisation=organisation).select_related("user")


def governing_bodies(*, on: datetime.date | None = None) -> list[dict]:
    """The board and the Advisory Board today, chair first, each seat with its person and the
    organisation they sit for."""
    order = {role: index for index, role in enumerate(Seat.Role.values)}
    seats = list(Seat.objects.current(on).select_related("user", "organisation"))
    seats.sort(key=lambda s: (order[s.role], s.user.get_full_name()))
    return [
        {"body": body, "label": label, "seats": [s for s in seats if s.body == body]}
        for body, label in Seat.Body.choices
    ]


def organisation_people_counts(
    *, organisation_ids, starts_on: datetime.date, ends_on: datetime.date
) -> dict[int, int]:
    """Per organisation: how many people had a confirmed affiliation at some point in the
    period."""
    from django.db.models import Count, Q

    rows = (
        Affiliation.objects.filter(
            organisation_id__in=list(organisation_ids),
            confirmed_at__isnull=False,
            starts_on__lte=ends_on,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
        .values("organisation_id")
        .annotate(people=Count("user_id", distinct=True))
    )
    return {row["organisation_id"]: row["people"] for row in rows}


# --- the engagement report -------------------------------------------------------------


def engagement_report(*, starts_on: datetime.date, ends_on: datetime.date) -> dict:
    """Per member organisation, one number for each registered engagement metric over the
    period. One query for the organisations plus one per metric."""
    from .registry import engagement_metrics

    organisations = list(member_organisations().only("id", "name", "short_name", "slug", "homes"))
    ids = [o.id for o in organisations]
    metrics = engagement_metrics()
    values = {m.key: m.compute(ids, starts_on, ends_on) or {} for m in metrics}
    rows = [
        {
            "organisation": organisation,
            "values": [int(values[m.key].get(organisation.id, 0)) for m in metrics],
        }
        for organisation in organisations
    ]
    totals = [sum(row["values"][i] for row in rows) for i in range(len(metrics))]
    return {
        "starts_on": starts_on,
        "ends_on": ends_on,
        "metrics": metrics,
        "rows": rows,
        "totals": totals,
    }


def engagement_charts(
    *, report: dict, top: int = 15, width: int = 640, bar_height: int = 20
) -> list[dict]:
    """Geometry for SVG bar charts drawn in the template, one per metric: the organisations
    with the highest values (at most `top`, zeros left out), longest bar first, each bar
    scaled to the largest value. Everything is precomputed here so the template only
    places numbers in attributes (no inline styles)."""
    label_width, value_room, top_margin = 230, 50, 4
    plot_width = width - label_width - value_room
    charts = []
    for index, metric in enumerate(report["metrics"]):
        ranked = sorted(
            ((row["values"][index], row["organisation"]) for row in report["rows"]),
            key=lambda pair: (-pair[0], pair[1].name),
        )
        ranked = [pair for pair in ranked if pair[0] > 0][:top]
        largest = ranked[0][0] if ranked else 1
        bars = []
        for position, (value, organisation) in enumerate(ranked):
            y = top_margin + position * bar_height
            bar_width = round(plot_width * value / largest, 1)
            bars.append(
                {
                    # The short name fits beside the bar; the full name is the tooltip.
                    "label": organisation.short_name or organisation.name,
                    "name": organisation.name,
                    "value": value,
                    "x": label_width,
                    "y": y,
                    "width": bar_width,
                    "height": bar_height - 4,
                    "label_x": label_width - 8,
                    "text_x": round(label_width + bar_width + 6, 1),
                    "text_y": y + bar_height - 7,
                }
            )
        charts.append(
            {
                "key": metric.key,
                "label": metric.label,
                "series": index % 6,
                "bars": bars,
                "width": width,
                "height": top_margin * 2 + max(len(bars), 1) * bar_height,
            }
        )
    return charts


# --- personal data (GDPR) --------------------------------------------------------------


def user_profile_data(*, user) -> dict:
    """What members holds about a person: profile, affiliations and seats."""
    return {
        "profile": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "job_title": user.job_title,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "affiliations": [
            {
                "organisation": a.organisation.name,
                "role": a.role,
                "starts_on": a.starts_on.isoformat(),
                "ends_on": a.ends_on.isoformat() if a.ends_on else None,
                "confirmed": a.confirmed_at is not None,
            }
            for a in user.affiliations.select_related("organisation").order_by("starts_on")
        ],
        "seats": [
            {
                "body": s.body,
                "role": s.role,
                "organisation": s.organisation.name if s.organisation else None,
                "starts_on": s.starts_on.isoformat(),
                "ends_on": s.ends_on.isoformat() if s.ends_on else None,
            }
            for s in user.seats.select_related("organisation").order_by("starts_on")
        ],
        "email_addresses": _email_addresses(user),
    }


def _email_addresses(user) -> list[dict]:
    from allauth.account.models import EmailAddress

    return [
        {"email": e.email, "verified": e.verified, "primary": e.primary}
        for e in EmailAddress.objects.filter(user=user).order_by("email")
    ]


def user_personal_data(*, user) -> dict:
    """Everything every app has registered about the person, for the JSON download."""
    from .registry import personal_data_sources

    data = {
        "generated_at": timezone.now().isoformat(),
        "user_id": user.pk,
        "members": user_profile_data(user=user),
    }
    for source in personal_data_sources():
        data[source.key] = source.export(user)
    return data
