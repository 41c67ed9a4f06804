from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export import fields, widgets
from import_export.admin import ExportActionMixin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from activity.admin import ActionsLinkMixin
from almennet.admin import DanishSlugsMixin, SubquerySearchMixin
from almennet.text import danish_slugify
from members.spreadsheets import FormulaSafeResource, LabelledExportForm

from . import participants, pricing, services
from .forms import EventAdminForm, EventSessionFormSet, ParticipantsMailForm
from .models import Event, EventSession, Registration, SessionAttendance

Status = Registration.Status


class EventSessionInline(admin.TabularInline):
    model = EventSession
    formset = EventSessionFormSet
    extra = 1
    min_num = 1


class RegistrationInline(admin.TabularInline):
    """The participant list on the event page; changes go through the registration admin."""

    model = Registration
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["person", "organisation_name", "status", "price", "created_at", "waiting_position"]
    readonly_fields = fields
    ordering = ["status", "waiting_position", "created_at"]
    verbose_name_plural = _("participants")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # The event too: each row's change link shows the registration as text, which names
        # it (one query per participant before).
        return super().get_queryset(request).select_related("user", "organisation", "event")

    @admin.display(description=_("participant"))
    def person(self, obj):
        return obj.person_name

    @admin.display(description=_("organisation"))
    def organisation_name(self, obj):
        return obj.organisation_name


@admin.register(Event)
class EventAdmin(ActionsLinkMixin, DanishSlugsMixin, SimpleHistoryAdmin):
    form = EventAdminForm
    inlines = [EventSessionInline, RegistrationInline]
    list_display = [
        "title",
        "kind",
        "first_start",
        "capacity",
        "confirmed_count",
        "waiting_count",
        "is_published",
    ]
    list_filter = ["kind", "is_published", "region", "requires_approval"]
    search_fields = ["title", "summary", "venue_name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["contact"]
    readonly_fields = ["secretariat_links"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary", "body", "is_published"]}),
        (_("Venue"), {"fields": ["venue_name", "venue_address", "region"]}),
        (_("Cover"), {"fields": ["cover_image", "cover_alt_text"]}),
        (
            _("Sign-up"),
            {
                "fields": [
                    "capacity",
                    "member_price",
                    "non_member_price",
                    "signup_opens_at",
                    "signup_closes_at",
                    "cancellation_deadline",
                    "requires_approval",
                    "contact",
                ]
            },
        ),
        (_("For the day"), {"fields": ["secretariat_links", "actions_link"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_start().with_seat_counts()

    @admin.display(description=_("starts"), ordering="first_start")
    def first_start(self, obj):
        return obj.first_start

    @admin.display(description=_("seats taken"), ordering="confirmed_count")
    def confirmed_count(self, obj):
        return obj.confirmed_count

    @admin.display(description=_("waiting"), ordering="waiting_count")
    def waiting_count(self, obj):
        return obj.waiting_count

    @admin.display(description=_("lists and print-outs"))
    def secretariat_links(self, obj):
        if not obj.pk:
            return "-"
        links = [
            (
                reverse("admin:events_registration_changelist") + f"?event__id__exact={obj.pk}",
                _("Participant list (export CSV/Excel from here)"),
            ),
            (reverse("events:check_in", args=[obj.slug]), _("Check-in on the day")),
            (reverse("events:badges", args=[obj.slug]), _("Name badges (PDF)")),
        ]
        if obj.is_course:
            links.append(
                (
                    reverse("events:certificates", args=[obj.slug]),
                    _("Certificates of attendance (PDF)"),
                )
            )
        links += [
            (
                reverse("admin:events_event_mail", args=[obj.pk, participants.PARTICIPANTS]),
                _("Mail the participants"),
            ),
            (
                reverse("admin:events_event_mail", args=[obj.pk, participants.WAITING_LIST]),
                _("Mail the waiting list"),
            ),
            (reverse("events:statistics"), _("Attendance statistics")),
        ]
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a></li>', links)
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/mail/<str:audience>/",
                self.admin_site.admin_view(self.mail_view),
                name="events_event_mail",
            ),
            *super().get_urls(),
        ]

    def mail_view(self, request, pk, audience):
        """Mail the participants or the waiting list: subject and text, through the outbox."""
        event = get_object_or_404(Event, pk=pk)
        if not self.has_change_permission(request, event) or not request.user.has_perm(
            "events.change_registration"
        ):
            raise PermissionDenied
        if audience not in participants.AUDIENCES:
            raise Http404
        form = ParticipantsMailForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                count = participants.event_participants_mail(
                    event=event, audience=audience, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    ngettext("%(count)d mail queued.", "%(count)d mails queued.", count)
                    % {"count": count},
                    messages.SUCCESS,
                )
                return redirect("admin:events_event_change", event.pk)
        recipients = participants.mail_recipients(event=event, audience=audience)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": event,
            "title": _("Mail %(audience)s: %(event)s")
            % {"audience": participants.AUDIENCES[audience][1], "event": event},
            "form": form,
            "recipients": recipients,
            "event": event,
        }
        return TemplateResponse(request, "admin/events/event/mail.html", context)

    def save_model(self, request, obj, form, change):
        # A new capacity is applied under the event lock, so it is checked against the seats
        # confirmed at that moment, and freed seats go to the waiting list.
        new_capacity = obj.capacity
        if change and "capacity" in form.changed_data:
            obj.capacity = form.initial["capacity"]
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            try:
                services.event_capacity_change(event=obj, capacity=new_capacity, actor=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            obj.refresh_from_db()


class RegistrationResource(FormulaSafeResource):
    """The participant list for invoicing: organisation with CVR and EAN."""

    event = fields.Field(attribute="event__title", column_name=_("Event"))
    name = fields.Field(column_name=_("Name"))
    email = fields.Field(attribute="user__email", column_name=_("Email"))
    organisation = fields.Field(attribute="organisation__name", column_name=_("Organisation"))
    cvr = fields.Field(attribute="organisation__cvr", column_name=_("CVR"))
    ean = fields.Field(attribute="organisation__ean", column_name=_("EAN"))
    status = fields.Field(column_name=_("Status"))
    price_category = fields.Field(column_name=_("Price category"))
    # A number (Danish decimal comma in CSV, a numeric cell in Excel), never "900,00 kr.".
    price = fields.Field(
        attribute="price", column_name=_("Price (DKK)"), widget=widgets.DecimalWidget()
    )
    liability = fields.Field(column_name=_("Late-cancellation liability"))
    dietary_needs = fields.Field(attribute="dietary_needs", column_name=_("Dietary needs"))
    comment = fields.Field(attribute="comment", column_name=_("Comment"))
    # Local time as the secretariat reads it (the plain field wrote UTC with microseconds);
    # Excel gets a real date-time.
    created_at = fields.Field(
        attribute="created_at",
        column_name=_("Signed up"),
        widget=widgets.DateTimeWidget(format="%d-%m-%Y %H:%M"),
    )

    class Meta:
        model = Registration
        fields = [
            "event",
            "name",
            "email",
            "organisation",
            "cvr",
            "ean",
            "status",
            "price_category",
            "price",
            "liability",
            "dietary_needs",
            "comment",
            "created_at",
        ]
        export_order = fields

    def before_export(self, queryset, **kwargs):
        """One column per session, after the fixed ones: the check-in time (Copenhagen) or
        empty. One event: headed by the session's date; several: by its number."""
        super().before_export(queryset, **kwargs)
        event_ids = (
            set(queryset.values_list("event_id", flat=True)) if queryset is not None else set()
        )
        sessions = EventSession.objects.filter(event_id__in=event_ids).order_by("starts_at", "pk")
        by_event: dict[int, list[int]] = {}
        for session in sessions:
            by_event.setdefault(session.event_id, []).append(session.pk)
        count = max((len(ids) for ids in by_event.values()), default=0)
        single = sessions if len(by_event) == 1 else None
        attended = {}
        for attendance in SessionAttendance.objects.filter(
            registration__in=queryset, session__in=sessions
        ).values("registration_id", "session_id", "checked_in_at"):
            attended[attendance["registration_id"], attendance["session_id"]] = attendance[
                "checked_in_at"
            ]

        def column(index):
            def value(registration):
                ids = by_event.get(registration.event_id, [])
                if index >= len(ids):
                    return ""
                at = attended.get((registration.pk, ids[index]))
                return f"{timezone.localtime(at):%d-%m-%Y %H:%M}" if at else ""

            return value

        self._session_fields = [
            fields.Field(
                column_name=_session_heading(single[index])
                if single is not None
                else _("Session %(number)d") % {"number": index + 1},
                dehydrate_method=column(index),
            )
            for index in range(count)
        ]

    def export_field(self, field, instance, **kwargs):
        if field in getattr(self, "_session_fields", []):
            return field.dehydrate_method(instance)
        return super().export_field(field, instance, **kwargs)

    def get_export_fields(self, selected_fields=None):
        return [*super().get_export_fields(selected_fields), *getattr(self, "_session_fields", [])]

    def dehydrate_name(self, registration):
        return registration.person_name if registration.user or registration.is_walk_in else ""

    def dehydrate_email(self, registration):
        return registration.user.email if registration.user else registration.walk_in_email

    def dehydrate_organisation(self, registration):
        return registration.organisation_name

    def dehydrate_status(self, registration):
        return str(registration.get_status_display())

    def dehydrate_price_category(self, registration):
        return str(registration.get_price_category_display())

    def dehydrate_liability(self, registration):
        return str(registration.get_liability_display()) if registration.liability else ""


def _session_heading(session) -> str:
    heading = f"{timezone.localtime(session.starts_at):%d-%m-%Y %H:%M}"
    return f"{heading} {session.title}" if session.title else heading


def _move_action(status, description):
    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        moved, problems = 0, []
        for registration in queryset.select_related("user", "event"):
            try:
                services.registration_move(
                    registration=registration, status=status, actor=request.user
                )
                moved += 1
            except ValidationError as error:
                problems.append(
                    f"{registration.user or registration.pk}: {' '.join(error.messages)}"
                )
            except PermissionDenied:
                problems.append(f"{registration.user or registration.pk}: {_('not allowed')}")
        if moved:
            modeladmin.message_user(
                request,
                ngettext("%(count)d registration moved.", "%(count)d registrations moved.", moved)
                % {"count": moved},
                messages.SUCCESS,
            )
        for problem in problems:
            modeladmin.message_user(request, problem, messages.WARNING)

    action.__name__ = f"move_to_{status}"
    return action


class RegistrationEventFilter(admin.SimpleListFilter):
    """The participant list of one event (the event page's link, `event__id__exact`); the
    sidebar offers the next events only. Django's related-only filter listed every event that
    has a registration (2,000 links on every page of the list); another event is found by
    searching its title."""

    title = _("event")
    parameter_name = "event__id__exact"
    SHOWN = 30

    def lookups(self, request, model_admin):
        soon = list(Event.objects.upcoming().only("pk", "title")[: self.SHOWN])
        chosen = self.value()
        if chosen and chosen.isdigit() and all(str(e.pk) != chosen for e in soon):
            soon[:0] = Event.objects.filter(pk=int(chosen)).only("pk", "title")
        return [(str(event.pk), event.title) for event in soon]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(event_id=int(value)) if value and value.isdigit() else queryset


@admin.register(Registration)
class RegistrationAdmin(SubquerySearchMixin, ActionsLinkMixin, ExportActionMixin, admin.ModelAdmin):
    resource_classes = [RegistrationResource]
    export_form_class = LabelledExportForm  # the columns named as headed, in Danish
    export_formats = [CSV, XLSX]

    def get_export_filename(self, request, queryset, file_format):
        # "tilmeldinger-2026-11-27.xlsx" in the secretariat's language, not "Registration-...".
        name = danish_slugify(self.model._meta.verbose_name_plural)
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    list_display = [
        "person",
        "organisation",
        "event",
        "status",
        "price_category",
        "price",
        "liability",
        "waiting_position",
        "created_at",
    ]
    list_filter = [
        "status",
        "price_category",
        "liability",
        RegistrationEventFilter,
        # A date filter, not a date hierarchy: the hierarchy asks for the distinct days of
        # 100,000 registrations on every page.
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = [
        "user__email",
        "user__first_name",
        "user__last_name",
        "organisation__name",
        "event__title",
    ]
    list_select_related = ["user", "organisation", "event"]
    autocomplete_fields = ["event", "user", "organisation"]
    # Newest first along registration_created (the model's order goes through the event's
    # row and sorts all 100,000); no exact count of every match under a search.
    ordering = ["-created_at", "-pk"]
    show_full_result_count = False
    actions = [
        _move_action(Status.CONFIRMED, _("Approve / confirm (seat permitting)")),
        _move_action(Status.WAITING, _("Move to the waiting list (applications)")),
        _move_action(Status.REJECTED, _("Reject")),
        _move_action(Status.ATTENDED, _("Mark as attended")),
        _move_action(Status.NO_SHOW, _("Mark as no-show")),
        _move_action(Status.CANCELLED, _("Cancel (the waiting list moves up)")),
        "admit_from_waiting_list",
        "admit_from_waiting_list_with_seat",
    ]

    add_fields = ["event", "user", "organisation", "dietary_needs", "comment"]
    change_readonly = [
        "event",
        "user",
        "organisation",
        "status",
        "price_category",
        "price",
        "waiting_position",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "checked_in_at",
        "liability",
        "liability_waived_at",
        "reminded_at",
        "motivation",
        "is_walk_in",
        "walk_in_name",
        "walk_in_organisation",
        "walk_in_email",
    ]

    @admin.display(description=_("participant"), ordering="user__last_name")
    def person(self, obj):
        return obj.person_name

    def _admit(self, request, queryset, *, add_seat: bool):
        admitted = 0
        for registration in queryset.select_related("user", "event").order_by(
            "waiting_position", "pk"
        ):
            try:
                participants.waiting_list_admit(
                    registration=registration, actor=request.user, add_seat=add_seat
                )
                admitted += 1
            except ValidationError as error:
                self.message_user(
                    request,
                    f"{registration.person_name}: {' '.join(error.messages)}",
                    messages.WARNING,
                )
        if admitted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d person admitted from the waiting list.",
                    "%(count)d people admitted from the waiting list.",
                    admitted,
                )
                % {"count": admitted},
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Give a seat from the waiting list (out of turn)"), permissions=["change"]
    )
    def admit_from_waiting_list(self, request, queryset):
        self._admit(request, queryset, add_seat=False)

    @admin.action(
        description=_("Give a seat from the waiting list and add a seat for them"),
        permissions=["change"],
    )
    def admit_from_waiting_list_with_seat(self, request, queryset):
        self._admit(request, queryset, add_seat=True)

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.add_fields
        return [*self.change_readonly, "dietary_needs", "comment", "actions_link"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [*self.change_readonly, "actions_link"]

    def has_delete_permission(self, request, obj=None):
        # Registrations are statistics: cancel, never delete.
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.clean = _add_form_clean
            # The model allows no participant (erased people stay as statistics), but staff
            # adding one must name who: without it the sign-up service refused with a 500.
            participant = form.base_fields["user"]
            participant.required = True
            participant.help_text = _("The person to sign up; search by name or email.")
        return form

    def save_model(self, request, obj, form, change):
        if change:
            # Only the participant's own answers are editable here; states move by actions.
            services.registration_answers_update(
                registration=obj,
                actor=request.user,
                dietary_needs=form.cleaned_data.get("dietary_needs", ""),
                comment=form.cleaned_data.get("comment", ""),
            )
            return
        registration = services.registration_add_by_staff(
            event=obj.event,
            user=obj.user,
            actor=request.user,
            answers={
                "organisation": obj.organisation_id or "",
                "dietary_needs": obj.dietary_needs,
                "comment": obj.comment,
            },
        )
        obj.__dict__.update(
            {key: value for key, value in registration.__dict__.items() if key != "_state"}
        )
        obj._state.adding = False
        self.message_user(
            request,
            _("%(person)s added: %(status)s.")
            % {"person": registration.user, "status": registration.get_status_display()},
            messages.SUCCESS,
        )


def _add_form_clean(form):
    """Refuse what the service would refuse, while the form can still show it."""
    cleaned = form.cleaned_data
    event, user = cleaned.get("event"), cleaned.get("user")
    if event and user:
        if Registration.objects.active().filter(event=event, user=user).exists():
            raise ValidationError(_("This person is already signed up for this event."))
        organisation = cleaned.get("organisation")
        if (
            organisation
            and not pricing.user_signup_organisations(user=user).filter(pk=organisation.pk).exists()
        ):
            raise ValidationError(
                {"organisation": _("This person is not affiliated with that organisation.")}
            )
    return cleaned
