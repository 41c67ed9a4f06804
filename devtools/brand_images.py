"""The mark as raster images, drawn with Pillow from the same geometry as static/img/mark.svg:
static/favicon.ico (16, 32, 48 px) for browsers that ask for /favicon.ico, and
static/img/mark-mail.png for mail (many mail clients show no SVG).

Run after changing the mark: python -m devtools.brand_images
"""

from pathlib import Path

from PIL import Image, ImageDraw

GREEN = "#1d5c47"
OCHRE = "#f2b84b"
WHITE = "#ffffff"
STATIC = Path(__file__).resolve().parent.parent / "static"


def mark(size: int) -> Image.Image:
    scale = 16  # drawn large, then reduced: Pillow draws without anti-aliasing
    s = size * scale / 32  # one unit of the SVG's 32-unit view box

    def p(x: float, y: float) -> tuple[float, float]:
        return (x * s, y * s)

    image = Image.new("RGBA", (size * scale, size * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([p(0, 0), p(32, 32)], radius=7 * s, fill=GREEN)
    draw.line([p(7, 17.5), p(16, 9), p(25, 17.5)], fill=WHITE, width=round(3 * s), joint="curve")
    for x, y in ((7, 17.5), (25, 17.5)):
        draw.ellipse([p(x - 1.5, y - 1.5), p(x + 1.5, y + 1.5)], fill=WHITE)
    draw.line([p(9.5, 23.5), p(22.5, 23.5)], fill=WHITE, width=round(2 * s))
    for x in (9.5, 16, 22.5):
        draw.ellipse([p(x - 2.6, 23.5 - 2.6), p(x + 2.6, 23.5 + 2.6)], fill=WHITE)
    draw.ellipse([p(13, 6), p(19, 12)], fill=OCHRE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    mark(48).save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    mark(96).save(STATIC / "img" / "mark-mail.png", optimize=True)


if __name__ == "__main__":
    main()
