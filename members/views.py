import csv
import io
import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from almennet import shell
from almennet.page_cache import CONTENT, personal, shared

from . import registry, selectors, services
from .filters import DirectoryFilter
from .forms import AccountDeleteForm, AffiliationRequestForm, PeriodForm, ProfileForm
from .models import Affiliation, Organisation, User
from .spreadsheets import cell_neutralise


def _render_panels(panels, request, **context) -> list[dict]:
    """The other apps' panels. Rendered without the request: a panel shows its own context and
    the viewer (`user`), and so skips the context processors that the page around it has run
    already (four panels paid for them four times over). A panel holds no form. The panels that
    say what they are `cached_under` are kept together per person and language as HTML
    (almennet.page_cache.personal, under all their versions): one cache read for them all."""
    user = request.user

    def html_of(panel) -> str | None:
        panel_context = panel.context(**context)
        if panel_context is None:
            return None
        return render_to_string(panel.template, {"user": user, **panel_context})

    kept = [panel for panel in panels if panel.cached_under is not None]
    versions = sorted({name for panel in kept for name in panel.cached_under})
    kept_html = personal(
        "panels",
        lambda: {panel.key: html_of(panel) for panel in kept},
        user,
        translation.get_language(),
        *(panel.key for panel in kept),
        also=versions,
    )
    rendered = []
    for panel in panels:
        html = kept_html[panel.key] if panel.cached_under is not None else html_of(panel)
        if html is not None:
            rendered.append({"key": panel.key, "title": panel.title, "html": html})
    return rendered


@require_GET
def directory(request):
    filterset = DirectoryFilter(request.GET or None, queryset=selectors.member_organisations())
    organisations = list(filterset.qs) if filterset.is_bound else list(filterset.queryset)
    return render(
        request,
        "members/directory.html",
        {
            "filter": filterset,
            "organisations": organisations,
            "totals": selectors.directory_totals(),
            "partners": list(selectors.partner_organisations()),
            "is_filtered": filterset.is_bound
            and any(request.GET.get(k) for k in filterset.form.fields),
        },
    )


@require_GET
def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    return render(
        request,
        "members/organisation_detail.html",
        {
            "organisation": organisation,
            "is_member_organisation": organisation.has_active_membership(),
            "people": list(selectors.organisation_people(organisation=organisation)),
            "seats": list(selectors.organisation_current_seats(organisation=organisation)),
            "show_contact_details": selectors.user_can_see_contact_details(user=request.user),
            "panels": _render_panels(
                registry.organisation_panels(),
                request,
                organisation=organisation,
                user=request.user,
            ),
        },
    )


@require_GET
def board(request):
    return render(request, "members/board.html", {"bodies": selectors.governing_bodies()})


# --- my page ---------------------------------------------------------------------------


def _next_url(request) -> str:
    """A page on this site to return to (?next= or the form's next), or ""."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _my_page_context(request, *, profile_form=None, affiliation_form=None) -> dict:
    user = request.user
    affiliations, seats = selectors.user_affiliations_and_seats(user=user)
    standing = selectors.Standing.of(affiliations, timezone.localdate())
    return {
        "profile_form": profile_form,
        # Unbound, the profile form's fields show the person's own row (content): rendered
        # once per person, language and content version.
        "profile_fields": None
        if profile_form
        else personal(
            "profile-fields",
            lambda: render_to_string(
                "includes/_form_fields.html", {"form": ProfileForm(instance=user)}
            ),
            user,
            translation.get_language(),
        ),
        "affiliation_form": affiliation_form,
        # Unbound, the request form (a list of every organisation) is the same for everyone
        # on a day: rendered once per content version, language and day, and shared.
        "affiliation_fields": None
        if affiliation_form
        else shared(
            "affiliation-request-form",
            lambda: render_to_string(
                "includes/_form_fields.html", {"form": AffiliationRequestForm()}
            ),
            translation.get_language(),
            timezone.localdate(),
            on=(CONTENT,),
        ),
        "affiliations": affiliations,
        "seats": seats,
        "is_member": standing.is_member,
        "can_see_engagement": selectors.user_can_see_engagement_report(
            user=user, standing=standing
        ),
        "panels": _render_panels(registry.my_page_panels(), request, user=user),
        "today": timezone.localdate(),
        "next_url": _next_url(request),
    }


def _my_page(request, *, profile_form=None, affiliation_form=None, status=200):
    if status != 200:
        context = _my_page_context(
            request, profile_form=profile_form, affiliation_form=affiliation_form
        )
        return render(request, "members/me.html", context, status=status)
    # Everything on it is the member's own: a shell shared by every member around it, and
    # the member's part kept per person and day under what its rows move (the content version,
    # their scope, and what the panels name), when every panel says so.
    panels = registry.my_page_panels()
    kept_under = (
        None
        if any(panel.cached_under is None for panel in panels)
        else tuple(sorted({name for panel in panels for name in panel.cached_under}))
    )
    return shell.render_member_page(
        request,
        "members/me.html",
        lambda: _my_page_context(request),
        name="my-page",
        parts=(timezone.localdate(),),
        personal_partial="me",
        personal_kept_under=kept_under,
    )


@login_required
@require_http_methods(["GET", "POST"])
def me(request):
    if request.method == "GET":
        return _my_page(request)
    # A fresh copy: a failed form must not leave a half-edited user on request.user.
    user = User.objects.get(pk=request.user.pk)
    form = ProfileForm(request.POST, instance=user)
    if not form.is_valid():
        return _my_page(request, profile_form=form, status=400)
    services.user_profile_update(user=request.user, **form.cleaned_data)
    messages.success(request, _("Your profile is saved."))
    return redirect("members:me")


@login_required
@require_POST
def affiliation_request(request):
    form = AffiliationRequestForm(request.POST)
    if form.is_valid():
        try:
            affiliation = services.affiliation_request(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                _(
                    "Thank you. The secretariat will confirm that you work at %(name)s; "
                    "until then the affiliation does not count."
                )
                % {"name": affiliation.organisation.name},
            )
            return redirect(_next_url(request) or "members:me")
    return _my_page(request, affiliation_form=form, status=400)


@login_required
@require_POST
def affiliation_withdraw(request, pk):
    affiliation = get_object_or_404(
        Affiliation, pk=pk, user=request.user, confirmed_at__isnull=True
    )
    services.affiliation_withdraw(affiliation=affiliation, user=request.user)
    messages.success(request, _("Your request is withdrawn."))
    return redirect("members:me")


@login_required
@require_GET
def data_export(request):
    data = selectors.user_personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False, default=str),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="almennet-my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required  # the password (or the second factor) again, within five minutes
def account_delete(request):
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.user_delete(user=user)
        messages.success(request, _("Your account and personal data are deleted."))
        return redirect("home")
    return render(
        request,
        "members/account_delete.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- engagement report ------------------------------------------------------------------


def _report_period(request):
    """The period from the query string, or the last twelve months when none is given."""
    if "starts_on" in request.GET or "ends_on" in request.GET:
        form = PeriodForm(request.GET)
    else:
        form = PeriodForm({k: v.isoformat() for k, v in PeriodForm.default_period().items()})
    return form


def _require_report_access(request):
    if not selectors.user_can_see_engagement_report(user=request.user):
        raise PermissionDenied(_("The engagement report is for staff and representatives."))


@login_required
@require_GET
def engagement(request):
    _require_report_access(request)
    form = _report_period(request)
    report = charts = None
    if form.is_valid():
        report = selectors.engagement_report(**form.cleaned_data)
        charts = selectors.engagement_charts(report=report)
    return render(
        request,
        "members/engagement.html",
        {"form": form, "report": report, "charts": charts},
        status=200 if form.is_valid() else 400,
    )


@login_required
@require_GET
def engagement_export(request, file_format):
    if file_format not in ("csv", "xlsx"):
        raise Http404
    _require_report_access(request)
    form = _report_period(request)
    if not form.is_valid():
        errors = " ".join(str(m) for messages_ in form.errors.values() for m in messages_)
        return HttpResponseBadRequest(
            _("The period is not valid: %(errors)s") % {"errors": errors},
            content_type="text/plain; charset=utf-8",
        )
    report = selectors.engagement_report(**form.cleaned_data)
    header = [_("Organisation"), _("Social homes")] + [str(m.label) for m in report["metrics"]]
    rows = [
        [cell_neutralise(row["organisation"].name), row["organisation"].homes, *row["values"]]
        for row in report["rows"]
    ]
    rows.append(
        [_("Total"), sum(r["organisation"].homes for r in report["rows"]), *report["totals"]]
    )
    name = "almennet-engagement-{}-{}".format(
        report["starts_on"].isoformat(), report["ends_on"].isoformat()
    )
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Engagement")[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
