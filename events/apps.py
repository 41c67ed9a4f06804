from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from almennet import page_cache
        from members import registry

        from . import dashboard, personal_data, selectors

        dashboard.register()
        # A sign-up changes the seat counts, its event's and its person's rows: it moves those
        # versions, not the content version (a rush would otherwise empty every shared copy).
        page_cache.register_scopes(
            "events.registration",
            lambda row: (page_cache.SEATS, f"event:{row.event_id}", f"user:{row.user_id}"),
            instead_of_content=True,
        )

        registry.register_engagement_metric(
            registry.EngagementMetric(
                key="event_signups",
                label=_("Event sign-ups"),
                compute=lambda ids, start, end: selectors.organisation_metric(
                    organisation_ids=ids, start=start, end=end, attended=False
                ),
                order=10,
            )
        )
        registry.register_engagement_metric(
            registry.EngagementMetric(
                key="event_attendance",
                label=_("Event attendance"),
                compute=lambda ids, start, end: selectors.organisation_metric(
                    organisation_ids=ids, start=start, end=end, attended=True
                ),
                order=11,
            )
        )
        registry.register_organisation_panel(
            registry.Panel(
                key="event_participation",
                title=_("Event participation"),
                template="events/includes/_organisation_panel.html",
                context=personal_data.organisation_panel_context,
                order=20,
            )
        )
        registry.register_my_page_panel(
            registry.Panel(
                key="event_registrations",
                title=_("My registrations"),
                template="events/includes/_my_page_panel.html",
                context=personal_data.my_page_panel_context,
                order=10,
                cached_under=(),  # registrations (the person's scope) and events (content)
            )
        )
        registry.register_personal_data(
            registry.PersonalData(
                key="events",
                export=personal_data.registrations_export,
                erase=personal_data.registrations_erase,
            )
        )
        from . import pricing

        registry.register_affiliation_confirmed(
            "events.reprice", pricing.registrations_reprice_for_affiliation
        )
        _register_mail_kinds()


def _register_mail_kinds() -> None:
    """What the secretariat calls the events' mails in the outbox's delivery log."""
    from outbox.registry import register_mail_kind, register_renderer

    from . import mail

    register_renderer(mail.RENDERER, mail.registration_mail_parts)
    for template, label in [
        ("events/mail/confirmation", _("Event: sign-up confirmed")),
        ("events/mail/pending", _("Event: awaiting approval")),
        ("events/mail/waiting", _("Event: on the waiting list")),
        ("events/mail/promotion", _("Event: place from the waiting list")),
        ("events/mail/rejection", _("Event: sign-up declined")),
        ("events/mail/cancellation", _("Event: cancellation")),
        ("events/mail/reminder", _("Event: reminder")),
        ("events/mail/price_review", _("Event: member price to settle (to the secretariat)")),
    ]:
        register_mail_kind(template, label)
