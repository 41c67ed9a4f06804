"""Admin of summit pledges, saved through pledge_save."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

from .. import services
from ..models import (
    Pledge,
)


class PledgeAdminForm(forms.ModelForm):
    class Meta:
        model = Pledge
        fields = [
            "summit",
            "focus_area",
            "organisation",
            "person",
            "assessment",
            "practical",
            "theoretical",
            "financial",
            "amount",
            "comment",
        ]

    def clean(self):
        cleaned = super().clean()
        keys = ("summit", "focus_area", "organisation", "person", "assessment")
        if any(cleaned.get(key) is None for key in keys):
            return cleaned  # the field errors already say what is missing
        try:
            services.pledge_check(
                summit=cleaned["summit"],
                focus_area=cleaned["focus_area"],
                organisation=cleaned["organisation"],
                user=cleaned["person"],
                assessment=cleaned["assessment"],
                financial=cleaned.get("financial", False),
                amount=cleaned.get("amount"),
                pledge=self.instance,
            )
        except (ValidationError, PermissionDenied) as error:
            raise forms.ValidationError(getattr(error, "messages", [str(error)])) from None
        return cleaned

    def validate_unique(self):
        # A changed organisation that collides with another pledge is named by pledge_check.
        pass


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    list_display = [
        "focus_area",
        "organisation",
        "summit",
        "assessment",
        "practical",
        "theoretical",
        "financial",
        "amount",
    ]
    list_filter = ["summit", "assessment", "organisation__kind", "financial"]
    search_fields = ["organisation__name", "focus_area__title", "comment"]
    autocomplete_fields = ["organisation", "person"]

    form = PledgeAdminForm

    def save_model(self, request, obj, form, change):
        # Through the service (PledgeAdminForm has run its rules): a changed organisation or
        # focus area changes this pledge, it never adds a second one.
        saved = services.pledge_save(
            pledge=obj if change else None,
            summit=obj.summit,
            focus_area=obj.focus_area,
            organisation=obj.organisation,
            user=obj.person,
            assessment=obj.assessment,
            practical=obj.practical,
            theoretical=obj.theoretical,
            financial=obj.financial,
            amount=obj.amount,
            comment=obj.comment,
        )
        obj.pk = saved.pk
