"""Cover images for the demo's events, projects and publications, drawn here with Pillow (never
downloaded): housing blocks against a sky for events, a site plan for projects, a report cover
for publications, in the portal's palette and different for each item (seeded by its slug).

Every fourth item keeps no cover, so the demo shows the designed fallback too. Safe to run
again: items that have a cover are left alone.
"""

import io
import random

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from events.models import Event
from projects.models import Project
from publications.models import Publication

SIZE = (1600, 900)
GREEN = (31, 95, 74)
GREEN_DARK = (21, 68, 53)
SAND = (245, 241, 232)
BLUE = (26, 90, 138)
ORANGE = (194, 94, 0)
BRICK = (176, 92, 62)
SKIES = [(214, 232, 240), (238, 226, 206), (226, 236, 226), (232, 224, 236)]
FACADES = [(232, 222, 204), (206, 190, 168), BRICK, (196, 204, 200), (240, 236, 226)]


def _blend(a, b, t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def housing_blocks(seed: str) -> Image.Image:
    """A row of housing blocks with windows and trees, under a sky."""
    rng = random.Random(seed)  # noqa: S311 - pictures, not secrets
    image = Image.new("RGB", SIZE, SAND)
    draw = ImageDraw.Draw(image)
    sky_top, sky_bottom = rng.choice(SKIES), SAND
    for y in range(SIZE[1]):
        draw.line([(0, y), (SIZE[0], y)], fill=_blend(sky_top, sky_bottom, y / SIZE[1]))
    ground = 720
    x = -rng.randint(0, 80)
    while x < SIZE[0]:
        width = rng.randint(180, 340)
        floors = rng.randint(3, 8)
        top = ground - floors * 62 - 20
        facade = rng.choice(FACADES)
        draw.rectangle([x, top, x + width, ground], fill=facade, outline=GREEN_DARK, width=3)
        if rng.random() < 0.5:  # a pitched roof
            draw.polygon([(x, top), (x + width // 2, top - 60), (x + width, top)], fill=GREEN)
        for floor in range(floors):
            y = top + 30 + floor * 62
            for wx in range(x + 22, x + width - 40, 48):
                lit = rng.random() < 0.25
                draw.rectangle([wx, y, wx + 26, y + 34], fill=(250, 214, 140) if lit else BLUE)
        x += width + rng.randint(10, 60)
    draw.rectangle([0, ground, SIZE[0], SIZE[1]], fill=(120, 160, 110))
    for _ in range(rng.randint(5, 9)):
        tx, size = rng.randint(0, SIZE[0]), rng.randint(40, 80)
        draw.rectangle([tx - 6, ground - 10, tx + 6, ground + 60], fill=(96, 70, 50))
        draw.ellipse([tx - size, ground - 2 * size, tx + size, ground], fill=GREEN)
    return image


def site_plan(seed: str) -> Image.Image:
    """A plan seen from above: a grid, paths, buildings and green areas."""
    rng = random.Random(seed)  # noqa: S311 - pictures, not secrets
    image = Image.new("RGB", SIZE, (238, 243, 248))
    draw = ImageDraw.Draw(image)
    for x in range(0, SIZE[0], 40):
        draw.line([(x, 0), (x, SIZE[1])], fill=(205, 220, 232), width=1)
    for y in range(0, SIZE[1], 40):
        draw.line([(0, y), (SIZE[0], y)], fill=(205, 220, 232), width=1)
    for _ in range(rng.randint(3, 5)):
        cx, cy, r = rng.randint(0, SIZE[0]), rng.randint(0, SIZE[1]), rng.randint(90, 200)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(190, 222, 190))
    draw.line([(0, rng.randint(300, 600)), (SIZE[0], rng.randint(300, 600))], fill=SAND, width=38)
    for _ in range(rng.randint(7, 12)):
        x, y = rng.randint(40, SIZE[0] - 300), rng.randint(40, SIZE[1] - 200)
        w, h = rng.randint(120, 280), rng.randint(60, 160)
        draw.rectangle([x, y, x + w, y + h], fill=rng.choice([BLUE, GREEN, BRICK]), width=0)
        draw.rectangle([x, y, x + w, y + h], outline=(255, 255, 255), width=4)
    return image


def report_cover(seed: str) -> Image.Image:
    """A report's cover: a coloured field, bands and a circle, like a printed publication."""
    rng = random.Random(seed)  # noqa: S311 - pictures, not secrets
    base = rng.choice([GREEN, BLUE, BRICK, GREEN_DARK])
    image = Image.new("RGB", SIZE, base)
    draw = ImageDraw.Draw(image)
    for i in range(rng.randint(4, 7)):
        y = rng.randint(0, SIZE[1])
        draw.rectangle(
            [0, y, SIZE[0], y + rng.randint(8, 60)], fill=_blend(base, SAND, 0.15 + i * 0.08)
        )
    cx, cy, r = rng.randint(900, 1400), rng.randint(200, 700), rng.randint(160, 300)
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=rng.choice([ORANGE, SAND, (250, 214, 140)]))
    draw.rectangle([120, 560, 760, 600], fill=SAND)
    draw.rectangle([120, 640, 600, 664], fill=_blend(base, SAND, 0.6))
    draw.rectangle([120, 690, 520, 714], fill=_blend(base, SAND, 0.6))
    return image


KINDS = [
    (Event, housing_blocks, "Illustration: stiliserede boligblokke under en lys himmel"),
    (Project, site_plan, "Illustration: en stiliseret plan over en boligafdeling set fra oven"),
    (Publication, report_cover, "Illustration: en abstrakt rapportforside i farvefelter"),
]


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82, optimize=True)
    return buffer.getvalue()


def seed(*, stdout) -> None:
    made = 0
    for model, draw, description in KINDS:
        for index, item in enumerate(model.objects.order_by("slug")):
            if item.cover_image or index % 4 == 3:
                continue
            item.cover_image.save(
                f"{item.slug[:80]}.jpg", ContentFile(_jpeg(draw(item.slug))), save=False
            )
            item.cover_alt_text = f"{description} (demobillede)"
            item.save(update_fields=["cover_image", "cover_alt_text"])
            made += 1
    stdout.write(f"Demo cover images: {made} drawn.")
