"""The share image of a text: a 1200×630 PNG (the size link previews expect) drawn with Pillow.

Pure drawing: the caller gives the words already translated and caches the bytes
(manifesto.sharing.selectors.share_card). DejaVu comes with Debian's fonts-dejavu-core (as the
PDFs' fonts do); without it Pillow's own font is used, smaller but legible.
"""

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
INK = "#1b1b1f"
PAPER = "#fffdf8"
ACCENT = "#0b5d52"
MUTED = "#4a4a4a"
LEADING = 1.2


@lru_cache(maxsize=32)
def _font(size: int, *, bold: bool = False, mono: bool = False):
    name = "DejaVuSansMono.ttf" if mono else ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:  # fonts-dejavu-core not installed: Pillow's built-in font, scalable since Pillow 10.1
        return ImageFont.load_default(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """Word-wrapped lines no wider than `width`; a word longer than a line is cut."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while draw.textlength(word, font=font) > width and len(word) > 1:
            cut = len(word)
            while cut > 1 and draw.textlength(word[:cut], font=font) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def _title_lines(draw, title: str, width: int, height: int):
    """The largest size at which the title fits the box; cut with an ellipsis at the smallest."""
    for size in (68, 60, 52, 46, 40):
        font = _font(size, bold=True)
        lines = _wrap(draw, title, font, width)
        if len(lines) * int(size * LEADING) <= height:
            return font, size, lines
    lines = lines[: max(1, height // int(size * LEADING))]
    while lines[-1] and draw.textlength(lines[-1] + "…", font=font) > width:
        lines[-1] = lines[-1][:-1]
    lines[-1] = lines[-1].rstrip() + "…"
    return font, size, lines


def render_card(*, site: str, title: str, fingerprint_line: str, count_line: str) -> bytes:
    """The PNG bytes. `fingerprint_line` and `count_line` may be empty (no version, no campaign)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 18), fill=ACCENT)
    draw.rectangle((0, HEIGHT - 150, WIDTH, HEIGHT), fill=ACCENT)
    width = WIDTH - 2 * MARGIN
    draw.text((MARGIN, 56), site, font=_font(30, bold=True), fill=ACCENT)
    top, bottom = 116, HEIGHT - 150 - 70  # between the site's name and the fingerprint
    font, size, lines = _title_lines(draw, " ".join(title.split()), width, bottom - top)
    y = top
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=INK)
        y += int(size * LEADING)
    if fingerprint_line:
        draw.text((MARGIN, HEIGHT - 150 - 58), fingerprint_line, font=_font(26, mono=True), fill=MUTED)
    if count_line:
        draw.text((MARGIN, HEIGHT - 150 + 42), count_line, font=_font(54, bold=True), fill="#ffffff")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
