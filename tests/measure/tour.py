"""The tour of the URL map that the measurements walk: every page a person opens in a browser,
as a visitor, as a member and as staff (where the page is for them), with the measuring world's
sample objects. Used by the HTML check (Nu HTML Checker), axe-core and the phone-width test.
"""

from dataclasses import dataclass

from django.urls import reverse

from .world import World

# The three kinds of people the tour is taken as; staff is the world's superuser (two-factor on).
TOUR_ROLES = {"visitor": "visitor", "member": "member", "staff": "superuser"}

EVERYONE = ("visitor", "member", "staff")
LOGGED_IN = ("member", "staff")
STAFF = ("staff",)


@dataclass(frozen=True)
class Stop:
    name: str  # the URL's name
    roles: tuple[str, ...]
    sample: str | None = None  # the world object whose slug or pk the URL takes
    kwarg: str = "slug"
    query: str = ""


STOPS = (
    Stop("home", EVERYONE),
    Stop("events:list", EVERYONE),
    Stop("events:detail", EVERYONE, sample="event"),
    Stop("events:mine", LOGGED_IN),
    Stop("projects:list", EVERYONE),
    Stop("projects:detail", EVERYONE, sample="project"),
    Stop("publications:list", EVERYONE),
    Stop("publications:detail", EVERYONE, sample="publication"),
    Stop("search", EVERYONE, query="?q=tryghed"),
    Stop("members:list", EVERYONE),
    Stop("members:detail", EVERYONE, sample="organisation"),
    Stop("members:board", EVERYONE),
    Stop("members:me", LOGGED_IN),
    Stop("members:engagement", STAFF),
    Stop("strategy:index", EVERYONE),
    Stop("strategy:focus_area", EVERYONE, sample="focus_area"),
    Stop("strategy:votes", STAFF),
    Stop("strategy:vote_detail", STAFF, sample="voting_round", kwarg="pk"),
    Stop("newsletters:subscribe", EVERYONE),
    Stop("newsletters:archive", EVERYONE),
    Stop("newsletters:archive_detail", EVERYONE, sample="newsletter"),
    Stop("account_login", ("visitor",)),
    Stop("account_signup", ("visitor",)),
    Stop("admin:index", STAFF),
)


def stop_path(stop: Stop, world: World) -> str:
    kwargs = None
    if stop.sample:
        obj = world.objects[stop.sample]
        kwargs = {stop.kwarg: obj.slug if stop.kwarg == "slug" else obj.pk}
    return reverse(stop.name, kwargs=kwargs) + stop.query


def covers_give(world: World) -> None:
    """The sample event and project get a cover image (the publication keeps the fallback), so
    the checks see a real <img srcset> as well as the pattern."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    for key, colour in (("event", (31, 95, 74)), ("project", (26, 90, 138))):
        item = world.objects[key]
        buffer = io.BytesIO()
        Image.new("RGB", (1200, 675), colour).save(buffer, "PNG")
        item.cover_image.save(f"{item.slug}.png", ContentFile(buffer.getvalue()), save=False)
        item.cover_alt_text = f"Forsidebillede til {item.title}"
        item.save()


def tour(world: World, role: str) -> list[str]:
    """The paths `role` (visitor, member or staff) opens, in the order of the URL map."""
    return [stop_path(stop, world) for stop in STOPS if role in stop.roles]
