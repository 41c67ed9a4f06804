"""Organisations in the knowledge hub's search; their names also label the search's
organisation facet."""

from search.registry import register, register_member_only_check

from .models import Organisation


def organisation_document(organisation: Organisation) -> dict:
    return {
        "title": organisation.name,
        "subkind": organisation.kind,
        "summary": " ".join(
            part
            for part in (
                organisation.short_name,
                organisation.get_kind_display(),
                organisation.municipality,
            )
            if part
        ),
        "url": organisation.get_absolute_url(),
        "organisation_ids": [organisation.pk],
    }


register(Organisation, organisation_document, facet="org")


def _sees_member_only(user) -> bool:
    from .selectors import user_is_member

    return user_is_member(user=user)


register_member_only_check(_sees_member_only)
