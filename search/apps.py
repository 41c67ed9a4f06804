from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from django.db.models.signals import m2m_changed
        from django.utils.module_loading import autodiscover_modules

        from .index import on_m2m_changed

        m2m_changed.connect(on_m2m_changed, dispatch_uid="search:m2m")
        # Each app's search_index.py registers what it indexes.
        autodiscover_modules("search_index")
