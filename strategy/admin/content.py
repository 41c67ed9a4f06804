"""Admin of the strategy, its ambitions and the trends radar."""

from django.contrib import admin

from almennet.admin import DanishSlugsMixin

from ..models import (
    Ambition,
    Strategy,
    Trend,
)


class AmbitionInline(admin.TabularInline):
    model = Ambition
    extra = 0
    fields = ["number", "title", "text"]


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["title", "adopted_on", "adopted_by"]
    inlines = [AmbitionInline]


@admin.register(Ambition)
class AmbitionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "strategy"]
    search_fields = ["title", "text"]


@admin.register(Trend)
class TrendAdmin(DanishSlugsMixin, admin.ModelAdmin):
    list_display = ["title", "horizon", "impact", "certainty", "is_published"]
    list_filter = ["horizon", "impact", "certainty", "is_published"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
