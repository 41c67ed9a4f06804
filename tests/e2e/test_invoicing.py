"""An event from sign-ups to invoices in the browser: a member (with the organisation's EAN and a
requisition number) and a non-member sign up, one participant cancels late and the waiting list
refills the seat, another cancels late with no one waiting; the event ends, the secretariat
issues the invoices in the admin, credits one, and a payment comes in from the bank file. The
representative then sees the organisation's invoice, and the non-member sees it paid."""

import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from devtools.factories.events import EventFactory
from devtools.factories.members import AffiliationFactory, OrganisationFactory, UserFactory
from events import services as event_services
from events.models import Registration
from invoicing import services as invoicing_services
from invoicing.models import Invoice
from members.models import Affiliation
from tests.e2e.conftest import login
from tests.invoicing.conftest import ean


def _verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _log_in_to_admin(page, user):
    """Staff need two-factor for the admin; the session is made with the test client (as the
    real login would after the TOTP step) and handed to the browser."""
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}]
    )


def _admin_action(page, *, url: str, action: str, pks: list[int]) -> None:
    page.goto(page.base_url + url)
    for pk in pks:
        page.check(f"input[name=_selected_action][value='{pk}']")
    page.select_option("select[name=action]", action)
    page.locator("button[name=index]").click()
    page.wait_for_load_state("networkidle")


def test_event_from_sign_ups_to_invoices_credit_note_and_payment(page, tmp_path):
    organisation = OrganisationFactory(
        name="Boligselskabet Fjord",
        ean=ean("579800001234"),
        invoice_contact_name="Bogholderiet",
        invoice_contact_email="faktura@fjord.example.dk",
    )
    member = _verified(
        AffiliationFactory(
            organisation=organisation,
            role=Affiliation.Role.REPRESENTATIVE,
            user__first_name="Mette",
        ).user
    )
    non_member = _verified(UserFactory(first_name="Niels"))
    refilled_leaver = UserFactory(first_name="Rikke")
    late_leaver = UserFactory(first_name="Lars")
    from_waiting_list = UserFactory(first_name="Vera")
    event = EventFactory(
        title="Kursus i byggeregnskab",
        capacity=4,
        cancellation_deadline=timezone.now() - datetime.timedelta(hours=1),
    )

    # The member signs up: the organisation's EAN is filled in, the requisition number typed.
    login(page, email=member.email)
    page.goto(page.base_url + event.get_absolute_url())
    assert page.input_value("input[name=billing_ean]") == organisation.ean
    page.fill("input[name=requisition_number]", "REK-2026-77")
    page.locator("#signup-form [type=submit]").click()
    page.locator("#signup .alert-success").wait_for()

    # The non-member signs up at the non-member price.
    page.context.clear_cookies()
    login(page, email=non_member.email)
    page.goto(page.base_url + event.get_absolute_url())
    page.locator("#signup-form [type=submit]").click()
    page.locator("#signup .alert-success").wait_for()

    rikke = event_services.event_signup(event=event, user=refilled_leaver, answers={})
    lars = event_services.event_signup(event=event, user=late_leaver, answers={})
    vera = event_services.event_signup(event=event, user=from_waiting_list, answers={})
    assert vera.status == Registration.Status.WAITING
    # Late, but Vera takes the seat: the liability is waived. Then Lars, with nobody waiting.
    event_services.registration_cancel(registration=rikke, actor=refilled_leaver)
    event_services.registration_cancel(registration=lars, actor=late_leaver)

    # The event takes place.
    start = timezone.now() - datetime.timedelta(days=1)
    event.sessions.update(starts_at=start, ends_at=start + datetime.timedelta(hours=6))

    # The secretariat issues the invoices from the admin.
    secretary = UserFactory(is_staff=True)
    secretary.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="invoicing"),
        Permission.objects.get(content_type__app_label="events", codename="view_event"),
    )
    page.context.clear_cookies()
    _log_in_to_admin(page, secretary)
    _admin_action(
        page,
        url="/admin/invoicing/billableevent/",
        action="issue_invoices",
        pks=[event.pk],
    )
    assert "4 fakturaer og 0 kreditnotaer udstedt" in page.locator(".messagelist").inner_text()
    invoices = {i.organisation.name if i.organisation else i.person.first_name: i
                for i in Invoice.objects.filter(event=event)}  # fmt: skip
    assert set(invoices) == {"Boligselskabet Fjord", "Niels", "Vera", "Lars"}
    assert invoices["Boligselskabet Fjord"].net_amount == event.member_price
    assert invoices["Boligselskabet Fjord"].requisition_number == "REK-2026-77"
    assert invoices["Niels"].net_amount == event.non_member_price
    assert invoices["Lars"].lines.get().description.endswith("sen afmelding")

    page.goto(page.base_url + "/admin/invoicing/invoice/")
    listing = page.locator("#result_list").inner_text()
    assert all(f"F00000{n}" in listing for n in range(1, 5))

    # Lars's liability is forgiven after all: one credit note referencing his invoice.
    _admin_action(page, url="/admin/invoicing/invoice/", action="credit", pks=[invoices["Lars"].pk])
    note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert note.credited_invoice == invoices["Lars"] and note.display_number == "K000001"
    assert "K000001" in page.locator("#result_list").inner_text()
    # The beat task's next run neither bills Lars again nor touches the others.
    again = invoicing_services.event_invoice(event=event)
    assert again.invoices == [] and again.credit_notes == []

    # Niels pays: the bank's file marks the invoice paid.
    niels_invoice = invoices["Niels"]
    bank_file = tmp_path / "bank.csv"
    amount = f"{niels_invoice.total_amount:.2f}".replace(".", ",")
    bank_file.write_text(f"08-12-2026;Betaling {niels_invoice.display_number};{amount}\n")
    page.goto(page.base_url + "/admin/invoicing/invoice/")
    page.get_by_role("link", name="Betalinger fra en bankfil").click()
    page.set_input_files("input[name=file]", str(bank_file))
    page.locator("#content form [type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert niels_invoice.display_number in page.locator("#bank-paid").inner_text()
    niels_invoice.refresh_from_db()
    assert niels_invoice.status == Invoice.Status.PAID

    # The representative sees the organisation's invoice on its page.
    page.context.clear_cookies()
    login(page, email=member.email)
    page.goto(page.base_url + organisation.get_absolute_url())
    panel = page.locator("#organisation-invoices").inner_text()
    assert invoices["Boligselskabet Fjord"].display_number in panel and "Udstedt" in panel

    # The non-member sees the price and the paid invoice on my page.
    page.context.clear_cookies()
    login(page, email=non_member.email)
    page.goto(page.base_url + "/members/me/")
    mine = page.locator("#my-invoices").inner_text()
    assert "Kursus i byggeregnskab" in mine and "Betalt" in mine
