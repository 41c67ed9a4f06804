from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from almennet.admin import DanishSlugsMixin

from . import services
from .models import Affiliation, Organisation, Seat, User
from .resources import OrganisationResource, PersonResource


class GuardedImportExportMixin(ImportExportMixin):
    """Import needs the rights to add and change the model, export the right to view it.
    django-import-export lets any staff user who reaches the change list do both unless a
    project-wide setting says otherwise."""

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


class SeatFormSet(BaseInlineFormSet):
    """Seats added together in one inline must not collide with each other either; the
    model's clean() only sees what is already saved."""

    def clean(self):
        super().clean()
        seats = [
            form.instance
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.instance.starts_on
        ]
        for index, seat in enumerate(seats):
            for other in seats[index + 1 :]:
                if seat.body != other.body or not _periods_overlap(seat, other):
                    continue
                same_person = seat.user_id and seat.user_id == other.user_id
                same_single_role = seat.role == other.role and seat.role in Seat.SINGLE_HOLDER_ROLES
                if same_person or same_single_role:
                    raise ValidationError(
                        _("Two of these seats overlap: %(first)s and %(second)s.")
                        % {"first": seat, "second": other}
                    )


def _periods_overlap(first, second) -> bool:
    return (second.ends_on is None or first.starts_on <= second.ends_on) and (
        first.ends_on is None or second.starts_on <= first.ends_on
    )


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "starts_on", "ends_on", "confirmed_at"]
    readonly_fields = ["confirmed_at"]


class OrganisationAffiliationInline(admin.TabularInline):
    model = Affiliation
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "starts_on", "ends_on", "confirmed_at"]
    readonly_fields = ["confirmed_at"]


class SeatInline(admin.TabularInline):
    model = Seat
    formset = SeatFormSet
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organisation"]


class OrganisationSeatInline(admin.TabularInline):
    model = Seat
    formset = SeatFormSet
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(GuardedImportExportMixin, DjangoUserAdmin):
    resource_classes = [PersonResource]
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "groups", "affiliations__role", "seats__body"]
    search_fields = ["email", "first_name", "last_name", "affiliations__organisation__name"]
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
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Staff rights come from groups; only a superuser makes superusers or hands out
        # single permissions, so nobody in a group can raise their own rights past it.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True if search_term else may_have_duplicates


@admin.register(Organisation)
class OrganisationAdmin(DanishSlugsMixin, GuardedImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [OrganisationResource]
    list_display = ["name", "short_name", "kind", "homes", "region", "member_since", "member_until"]
    list_filter = [MembershipFilter, "kind", "region"]
    search_fields = ["name", "short_name", "municipality", "cvr", "ean"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganisationAffiliationInline, OrganisationSeatInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "logo", "website"]}),
        (_("Size and place"), {"fields": ["homes", "municipality", "region"]}),
        (_("Membership"), {"fields": ["member_since", "member_until"]}),
        (
            _("Invoicing"),
            {"fields": ["cvr", "ean", "invoice_contact_name", "invoice_contact_email"]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        services.organisation_save(organisation=obj, actor=request.user)


@admin.register(Affiliation)
class AffiliationAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role", "starts_on", "ends_on", "confirmed_at"]
    list_filter = [ConfirmedFilter, CurrentFilter, "role", "organisation__kind"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["confirmed_at", "confirmed_by", "created_at"]
    list_select_related = ["user", "organisation"]
    date_hierarchy = "starts_on"
    actions = ["confirm_affiliations"]

    def save_model(self, request, obj, form, change):
        services.affiliation_save(affiliation=obj, actor=request.user)

    @admin.action(description=_("Confirm the selected affiliations"), permissions=["change"])
    def confirm_affiliations(self, request, queryset):
        count = 0
        for affiliation in queryset.filter(confirmed_at__isnull=True):
            services.affiliation_confirm(affiliation=affiliation, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d affiliation confirmed.", "%(count)d affiliations confirmed.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Seat)
class SeatAdmin(SimpleHistoryAdmin):
    list_display = ["user", "body", "role", "organisation", "starts_on", "ends_on"]
    list_filter = [CurrentFilter, "body", "role"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
    date_hierarchy = "starts_on"

    def save_model(self, request, obj, form, change):
        services.seat_save(seat=obj, actor=request.user)
