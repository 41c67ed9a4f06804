from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from activity.admin import ActionsLinkMixin, actions_by_url
from almennet.admin import DanishSlugsMixin, SubquerySearchMixin, year_filter

from . import selectors, services
from .admin_superusers import SuperuserProtectedMixin
from .admin_superusers import register as register_superuser_protection
from .models import Affiliation, Organisation, Seat, User
from .resources import OrganisationResource, PersonResource
from .spreadsheets import LabelledExportForm


class GuardedImportExportMixin(ImportExportMixin):
    """Import needs the rights to add and change the model, export the right to view it.
    django-import-export lets any staff user who reaches the change list do both unless a
    project-wide setting says otherwise."""

    # Columns named in the page's language; import errors shown in the row; a wide file
    # scrolls inside its table instead of widening the page.
    export_form_class = LabelledExportForm
    import_template_name = "admin/import_export/import_portal.html"

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)


class CurrentFilter(admin.SimpleListFilter):
    """Runs today / ended / not yet started, for rows with starts_on and ends_on."""

    title = _("period")
    parameter_name = "period"

    def lookups(self, request, model_admin):
        return [("current", _("Current")), ("ended", _("Ended")), ("future", _("Not started"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.filter(starts_on__lte=today).filter(
                Q(ends_on__isnull=True) | Q(ends_on__gte=today)
            )
        if self.value() == "ended":
            return queryset.filter(ends_on__lt=today)
        if self.value() == "future":
            return queryset.filter(starts_on__gt=today)
        return queryset


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("confirmed")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("Confirmed")), ("no", _("Awaiting confirmation"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(confirmed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(confirmed_at__isnull=True)
        return queryset


class MembershipFilter(admin.SimpleListFilter):
    title = _("membership")
    parameter_name = "membership"

    def lookups(self, request, model_admin):
        return [("active", _("Active member")), ("none", _("Not a member now"))]

    def queryset(self, request, queryset):
        members = Organisation.objects.with_active_membership().values("pk")
        if self.value() == "active":
            return queryset.filter(pk__in=members)
        if self.value() == "none":
            return queryset.exclude(pk__in=members)
        return queryset


class NewestRowsFormSet(BaseInlineFormSet):
    """The newest `shown` rows only: a large housing organisation has hundreds of affiliated
    people, and each listed row costs the page a few milliseconds. The change page links to
    all of them (the add links above the lists)."""

    shown = 50

    def get_queryset(self):
        if not hasattr(self, "_newest"):
            self._newest = super().get_queryset()[: self.shown]
        return self._newest


class ReadOnlyInline(admin.TabularInline):
    """Affiliations and seats carry rules (who may vote, at most one chair, no overlapping
    seats) that live in members/services.py under a lock. An inline would save them around
    the service, so here they are only listed with a link; they are added and changed on their
    own admin pages, whose save calls the service."""

    extra = 0
    show_change_link = True
    can_delete = False
    formset = NewestRowsFormSet
    ordering = ["-starts_on", "-pk"]
    # The other side of each row, read in the same query (a large organisation lists
    # hundreds of people: one query each before).
    select_related_fields: tuple[str, ...] = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.select_related_fields)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AffiliationInline(ReadOnlyInline):
    model = Affiliation
    fk_name = "user"
    fields = readonly_fields = ["organisation", "role", "starts_on", "ends_on", "confirmed_at"]
    select_related_fields = ("user", "organisation")


class OrganisationAffiliationInline(ReadOnlyInline):
    model = Affiliation
    fk_name = "organisation"
    fields = readonly_fields = ["user", "role", "starts_on", "ends_on", "confirmed_at"]
    select_related_fields = ("user", "organisation")


class SeatInline(ReadOnlyInline):
    model = Seat
    fk_name = "user"
    fields = readonly_fields = ["body", "role", "organisation", "starts_on", "ends_on"]
    select_related_fields = ("user", "organisation")


class OrganisationSeatInline(ReadOnlyInline):
    model = Seat
    fk_name = "organisation"
    fields = readonly_fields = ["user", "body", "role", "starts_on", "ends_on"]
    select_related_fields = ("user", "organisation")


def _add_links(obj, field: str):
    """Links to add an affiliation or a seat for this person or organisation, pre-filled, and
    to all of them (the lists below show the newest fifty)."""
    if obj is None or obj.pk is None:
        return "–"
    return format_html(
        '<a href="{}?{}={}">{}</a> · <a href="{}?{}={}">{}</a><br>'
        '<a href="{}?{}__id__exact={}">{}</a> · <a href="{}?{}__id__exact={}">{}</a>',
        reverse("admin:members_affiliation_add"),
        field,
        obj.pk,
        _("Add an affiliation"),
        reverse("admin:members_seat_add"),
        field,
        obj.pk,
        _("Add a seat"),
        reverse("admin:members_affiliation_changelist"),
        field,
        obj.pk,
        _("All affiliations"),
        reverse("admin:members_seat_changelist"),
        field,
        obj.pk,
        _("All seats"),
    )


@admin.register(User)
class UserAdmin(
    SubquerySearchMixin,
    ActionsLinkMixin,
    SuperuserProtectedMixin,
    GuardedImportExportMixin,
    DjangoUserAdmin,
):
    # A person's "Handlinger" are what they did (the rows they are the actor of).
    actions_link_url = staticmethod(actions_by_url)
    owner_field = ""  # the row is the user: a superuser is changed by superusers only
    resource_classes = [PersonResource]
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "groups", "affiliations__role", "seats__body"]
    search_fields = ["email", "first_name", "last_name", "affiliations__organisation__name"]
    # Searched in subqueries (the organisation's name too), so no DISTINCT; and no count of
    # all 20,000 under a search.
    show_full_result_count = False
    inlines = [AffiliationInline, SeatInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Personal info"),
            {"fields": ["first_name", "last_name", "phone", "job_title", "language"]},
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
        (_("Affiliations and seats"), {"fields": ["add_links", "actions_link"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]

    @admin.display(description=pgettext_lazy("admin links", "add"))
    def add_links(self, obj):
        return _add_links(obj, "user")

    def get_readonly_fields(self, request, obj=None):
        # Staff rights come from groups; only a superuser makes superusers or hands out
        # single permissions, so nobody in a group can raise their own rights past it.
        readonly = [*super().get_readonly_fields(request, obj), "add_links"]
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly


@admin.register(Organisation)
class OrganisationAdmin(
    ActionsLinkMixin, DanishSlugsMixin, GuardedImportExportMixin, SimpleHistoryAdmin
):
    resource_classes = [OrganisationResource]
    list_display = ["name", "short_name", "kind", "homes", "region", "member_since", "member_until"]
    list_filter = [MembershipFilter, "kind", "region"]
    search_fields = ["name", "short_name", "municipality", "cvr", "ean"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganisationAffiliationInline, OrganisationSeatInline]
    autocomplete_fields = ["council_voter"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "logo", "website"]}),
        (_("Size and place"), {"fields": ["homes", "municipality", "region"]}),
        (_("Membership"), {"fields": ["member_since", "member_until", "council_voter"]}),
        (
            _("Invoicing"),
            {"fields": ["cvr", "ean", "invoice_contact_name", "invoice_contact_email"]},
        ),
        (_("Affiliations and seats"), {"fields": ["add_links", "actions_link"]}),
    ]
    readonly_fields = ["add_links"]

    @admin.display(description=pgettext_lazy("admin links", "add"))
    def add_links(self, obj):
        return _add_links(obj, "organisation")

    def save_model(self, request, obj, form, change):
        membership = {"member_since", "member_until"}
        if change and set(form.changed_data) & membership:
            other = set(form.changed_data) - membership
            if other:
                # The rest first, from the stored membership, so each change keeps its reason.
                stored = Organisation.objects.get(pk=obj.pk)
                since, until = obj.member_since, obj.member_until
                obj.member_since, obj.member_until = stored.member_since, stored.member_until
                services.organisation_save(organisation=obj, actor=request.user)
                obj.member_since, obj.member_until = since, until
            services.organisation_membership_set(
                organisation=obj,
                member_since=obj.member_since,
                member_until=obj.member_until,
                actor=request.user,
            )
        else:
            services.organisation_save(organisation=obj, actor=request.user)


@admin.register(Affiliation)
class AffiliationAdmin(SubquerySearchMixin, ActionsLinkMixin, SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role", "starts_on", "ends_on", "confirmed_at"]
    list_filter = [
        ConfirmedFilter,
        CurrentFilter,
        "role",
        "organisation__kind",
        year_filter("starts_on", _("year started")),
    ]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["confirmed_at", "confirmed_by", "created_at"]
    list_select_related = ["user", "organisation"]
    show_full_result_count = False
    actions = ["confirm_affiliations", "refuse_affiliations", "end_affiliations"]

    def get_changeform_initial_data(self, request):
        # The "Add an affiliation" links on a person's or an organisation's page pre-fill it.
        return {
            **super().get_changeform_initial_data(request),
            "starts_on": timezone.localdate(),
        }

    def save_model(self, request, obj, form, change):
        warning = selectors.representative_conflict(affiliation=obj)
        services.affiliation_save(affiliation=obj, actor=request.user)
        if warning and (not change or "role" in form.changed_data):
            messages.warning(request, warning)

    @admin.action(description=_("End the selected affiliations today"), permissions=["change"])
    def end_affiliations(self, request, queryset):
        _end_each(self, request, queryset, services.affiliation_end, "affiliation")

    @admin.action(description=_("Confirm the selected affiliations"), permissions=["change"])
    def confirm_affiliations(self, request, queryset):
        count = 0
        for affiliation in queryset.filter(confirmed_at__isnull=True).select_related(
            "user", "organisation__council_voter"
        ):
            warning = selectors.representative_conflict(affiliation=affiliation)
            services.affiliation_confirm(affiliation=affiliation, actor=request.user)
            if warning:
                messages.warning(request, warning)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d affiliation confirmed.", "%(count)d affiliations confirmed.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Refuse the selected requests"), permissions=["change"])
    def refuse_affiliations(self, request, queryset):
        count = 0
        for affiliation in queryset.filter(confirmed_at__isnull=True):
            services.affiliation_refuse(affiliation=affiliation, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d request refused.", "%(count)d requests refused.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Seat)
class SeatAdmin(SubquerySearchMixin, ActionsLinkMixin, SimpleHistoryAdmin):
    list_display = ["user", "body", "role", "organisation", "starts_on", "ends_on"]
    list_filter = [CurrentFilter, "body", "role"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
    date_hierarchy = "starts_on"
    actions = ["end_seats"]

    def save_model(self, request, obj, form, change):
        services.seat_save(seat=obj, actor=request.user)

    @admin.action(description=_("End the selected seats today"), permissions=["change"])
    def end_seats(self, request, queryset):
        _end_each(self, request, queryset, services.seat_end, "seat")


def _end_each(model_admin, request, queryset, end, keyword: str) -> None:
    """End each running row today through its service; one that cannot end is named."""
    today = timezone.localdate()
    ended = 0
    for row in queryset.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today)):
        try:
            end(**{keyword: row, "ends_on": today, "actor": request.user})
        except ValidationError as error:
            model_admin.message_user(request, f"{row}: {' '.join(error.messages)}", messages.ERROR)
        else:
            ended += 1
    model_admin.message_user(
        request, _("%(count)d ended today.") % {"count": ended}, messages.SUCCESS
    )


# --- superusers: allauth's address and second-factor admins refuse non-superusers too ---
register_superuser_protection()
