"""Forms on the pages members open most, rendered without crispy-forms.

crispy's Bootstrap templates cost about 3.5 ms for a six-field form (issue 14); the same markup
from `templates/includes/_form_fields.html` and Django's own widgets costs a third of that.
A form using `BootstrapFieldsMixin` gets Bootstrap's classes on its widgets, and "is-invalid"
on the widgets of fields with errors, so the include needs no per-field logic of its own.
"""

from django import forms


class BootstrapFieldsMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
