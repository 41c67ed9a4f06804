"""The portal's look for what is not a web page (PDF badges and certificates): one place for
the palette and typeface, matching the CSS variables in static/css/site.css."""

GREEN = (31, 95, 74)  # --almen-green  #1f5f4a
GREEN_DARK = (21, 68, 53)  # --almen-green-dark  #154435
SAND = (245, 241, 232)  # --almen-sand  #f5f1e8
INK = (33, 37, 41)
MUTED = (108, 117, 125)
WHITE = (255, 255, 255)

# fpdf2's built-in Helvetica covers Latin-1, so Danish letters print as they are.
FONT = "Helvetica"
SITE_NAME = "AlmenNet"
