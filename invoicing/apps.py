from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "invoicing"
    verbose_name = _("Invoicing")

    def ready(self):
        from almennet import page_cache
        from members import registry

        from . import panels

        # Invoices are no content, but a member's panel shows which invoice billed what.
        page_cache.register_scopes("invoicing", lambda row: ("invoices",))

        registry.register_organisation_panel(
            registry.Panel(
                key="invoices",
                title=_("Invoices"),
                template="invoicing/includes/_organisation_panel.html",
                context=panels.organisation_panel_context,
                order=40,
            )
        )
        registry.register_my_page_panel(
            registry.Panel(
                key="invoices",
                title=_("Prices and invoices"),
                template="invoicing/includes/_my_page_panel.html",
                context=panels.my_page_panel_context,
                order=15,
                cached_under=("invoices",),
            )
        )
        registry.register_personal_data(
            registry.PersonalData(key="invoices", export=panels.personal_data_export)
        )
        from events.registry import register_invoiced_check

        register_invoiced_check("invoicing", panels.registrations_invoiced)
