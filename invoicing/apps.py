from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "invoicing"
    verbose_name = _("Invoicing")

    def ready(self):
        from members import registry

        from . import panels

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
            )
        )
        registry.register_personal_data(
            registry.PersonalData(key="invoices", export=panels.personal_data_export)
        )
        from events.registry import register_invoiced_check

        register_invoiced_check("invoicing", panels.registrations_invoiced)
