"""The action log in the admin: read-only, filtered by verb, model and actor, searchable; and
ActionsLinkMixin, which puts a "Handlinger" link to one object's rows on its change page."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from almennet.admin import SubquerySearchMixin

from .models import Action
from .selectors import actions_visible_to
from .verbs import VOTING_VERBS, Verb


class ActorFilter(admin.SimpleListFilter):
    """Only the people who appear in the log (not every user), or the system.

    The first 200 by address, found along the people's e-mail index with an index probe of
    the log each (a DISTINCT over the log's actors read every row: 100,000 sign-ups)."""

    title = _("actor")
    parameter_name = "actor"
    SHOWN = 200

    def lookups(self, request, model_admin):
        people = get_user_model()._default_manager  # the actor is settings.AUTH_USER_MODEL
        acted = actions_visible_to(user=request.user).filter(actor=OuterRef("pk"))
        rows = (
            people.filter(Exists(acted)).order_by("email").values_list("pk", "email")[: self.SHOWN]
        )
        return [("system", _("System")), *((str(pk), email) for pk, email in rows)]

    def queryset(self, request, queryset):
        if self.value() == "system":
            return queryset.filter(actor__isnull=True)
        if self.value() and self.value().isdigit():
            return queryset.filter(actor_id=int(self.value()))
        return queryset


class VerbFilter(admin.SimpleListFilter):
    """The verbs of verbs.Verb by their label (the voting ones only for who may see them)."""

    title = _("action")
    parameter_name = "verb"

    def lookups(self, request, model_admin):
        hidden = set() if request.user.has_perm("activity.view_voting_actions") else VOTING_VERBS
        return [(value, label) for value, label in Verb.choices if value not in hidden]

    def queryset(self, request, queryset):
        return queryset.filter(verb=self.value()) if self.value() else queryset


@admin.register(Action)
class ActionAdmin(SubquerySearchMixin, admin.ModelAdmin):
    list_display = [
        "created_at", "verb_label", "target_type", "target_label", "actor", "client_address",
    ]  # fmt: skip
    list_filter = [VerbFilter, "target_type", ActorFilter, "created_at"]
    # What a row is about, who did it, or an object's id exactly; the verb has its filter.
    # Each is indexed (trigram, the actor's address in a subquery): no scan of the log.
    search_fields = ["target_label", "actor__email", "=target_id"]
    # No date hierarchy: it asked for the distinct days of the whole log on every page (the
    # date filter stays), nor an exact count of all matches under a search.
    show_full_result_count = False
    list_select_related = ["actor", "target_type"]
    readonly_fields = [
        "created_at", "actor", "verb_label", "target_type", "target_id", "target_label", "data",
        "client_address",
    ]  # fmt: skip

    @admin.display(description=_("action"), ordering="verb")
    def verb_label(self, obj):
        return obj.verb_label

    def get_queryset(self, request):
        return actions_visible_to(user=request.user, queryset=super().get_queryset(request))

    def lookup_allowed(self, lookup, value, request=None):
        # The "Handlinger" links filter on one object.
        if lookup in ("target_type__id__exact", "target_id"):
            return True
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def actions_url(obj) -> str:
    """The log rows about obj."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    query = urlencode({"target_type__id__exact": content_type.pk, "target_id": str(obj.pk)})
    return f"{reverse('admin:activity_action_changelist')}?{query}"


def actions_by_url(user) -> str:
    """The log rows of what a person did."""
    return f"{reverse('admin:activity_action_changelist')}?{urlencode({'actor': user.pk})}"


class ActionsLinkMixin:
    """For a ModelAdmin: a read-only field "Handlinger" on the change page that links to the
    object's rows of the action log. Add "actions_link" to readonly_fields (and to a fieldset,
    if the admin declares fieldsets)."""

    actions_link_url = staticmethod(actions_url)

    @admin.display(description=_("Actions"))
    def actions_link(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', self.actions_link_url(obj), _("Show this object's actions")
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if "actions_link" in fields else [*fields, "actions_link"]
