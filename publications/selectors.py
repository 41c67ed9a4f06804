"""Reads that depend on who is looking: what a viewer may see of publications and files, the
publication list, and the content related to a publication, project, event or focus area."""

import enum

from django.db.models import F

from almennet.related import related_lists
from members.selectors import user_is_member
from projects.content import with_page_urls

from .models import Publication, PublicationFile


def viewer_sees_member_only(*, user) -> bool:
    """Members see member-only material; so does staff, who edit it."""
    if not (user and user.is_authenticated):
        return False
    return bool(user.is_staff) or user_is_member(user=user)


class Access(enum.Enum):
    ALLOWED = "allowed"
    PREVIEW = "preview"  # staff looking at something not yet published
    LOGIN_REQUIRED = "login_required"
    MEMBERS_ONLY = "members_only"
    NOT_FOUND = "not_found"


def _login_or_members_only(user) -> Access:
    return Access.MEMBERS_ONLY if user and user.is_authenticated else Access.LOGIN_REQUIRED


def publication_access(*, publication: Publication, user) -> Access:
    is_staff = bool(user and user.is_authenticated and user.is_staff)
    if not publication.is_visible_to_public:
        return Access.PREVIEW if is_staff else Access.NOT_FOUND
    if publication.is_member_only and not viewer_sees_member_only(user=user):
        return _login_or_members_only(user)
    return Access.ALLOWED


def file_access(*, file: PublicationFile, user) -> Access:
    access = publication_access(publication=file.publication, user=user)
    if access not in (Access.ALLOWED, Access.PREVIEW):
        return access
    if file.is_member_only and not viewer_sees_member_only(user=user):
        return _login_or_members_only(user)
    return access


def publication_list(*, user):
    """Published publications the viewer may see, ready for a list page."""
    return (
        Publication.objects.published()
        .visible_to(is_member=viewer_sees_member_only(user=user))
        .for_list()
    )


def publication_files(*, publication: Publication, user) -> list[PublicationFile]:
    """The files the viewer may download."""
    files = list(publication.files.all())
    if viewer_sees_member_only(user=user):
        return files
    return [f for f in files if not f.is_member_only]


def related_for(obj, *, user) -> dict[str, list]:
    """What a publication, project, event or focus area is linked to, read from whichever side
    the link was entered on, filtered to what the viewer may see. Keys: publications,
    projects, events, focus_areas (those the object has). Links that apps above publications
    store (focus areas) come from what they registered in almennet/related.py."""
    sees_member_only = viewer_sees_member_only(user=user)
    related: dict[str, list] = related_lists(obj=obj, user=user)
    if hasattr(obj, "publications") and not isinstance(obj, Publication):
        publications = obj.publications.published().visible_to(is_member=sees_member_only)
        related["publications"] = list(publications.order_by("-published_on")[:50])
    if hasattr(obj, "projects"):
        related["projects"] = list(
            obj.projects.published().select_related("owner").order_by("title")[:50]
        )
    if hasattr(obj, "events"):
        related["events"] = list(
            obj.events.published()
            .with_start()
            .order_by(F("first_start").desc(nulls_last=True))[:50]
        )
    return with_page_urls(related)
