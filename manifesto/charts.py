"""Small server-rendered SVG charts, shared by every app (manifesto is the lowest layer).

Hand-written SVG rather than a charting library: four shapes (ranked bars, stacked bars,
stacked columns over time, a timeline) are a few dozen lines each, render the same in a
browser and in WeasyPrint's PDFs, need no JavaScript and no dependency. Every chart is a
`Chart`: the SVG (role="img", with <title> and <desc>) and the same figures as a table, which
templates/charts/_figure.html shows beside it for screen readers, printing and copying.

User text (an agora's title, a territory) is escaped here and stripped of bidirectional
controls, so a name cannot turn into markup nor reverse the labels around it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Colour-blind-safe (Okabe–Ito), dark enough for white gaps between segments.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7a1f3d", "#666666"]
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")


@dataclass
class Chart:
    """An SVG chart and its text alternative (a table with `headers` and `rows`)."""

    id: str
    title: str
    description: str
    svg: SafeString
    headers: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    empty: bool = False


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str


def plain(text, limit: int | None = None) -> str:
    """Text for a label: bidirectional controls removed, shortened with an ellipsis."""
    text = _BIDI_CONTROLS.sub("", " ".join(str(text).split()))
    if limit and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def series_of(pairs: list[tuple[str, str]]) -> list[Series]:
    """Series from (key, label) pairs, coloured in order."""
    return [Series(key, str(label), PALETTE[i % len(PALETTE)]) for i, (key, label) in enumerate(pairs)]


def _svg(chart_id: str, title: str, description: str, width: int, height: int, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="{chart_id}-t {chart_id}-d" {FONT} font-size="13">'
        f'<title id="{chart_id}-t">{escape(plain(title))}</title><desc id="{chart_id}-d">{escape(plain(description))}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int | None = None, weight: str = "", fill: str = "#222", full: str = "") -> str:
    attrs = f'x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"'
    if size:
        attrs += f' font-size="{size}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    tooltip = f"<title>{escape(plain(full))}</title>" if full and plain(full) != text else ""
    return f"<text {attrs}>{tooltip}{escape(text)}</text>"


def _nice_max(value: int) -> int:
    """A round upper bound for an axis (1, 2, 5 × 10^n)."""
    if value <= 5:
        return max(value, 1)
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _fits(width: float) -> int:
    """How many characters of a 13-pixel label fit in `width` (DejaVu Sans averages ~7.5 px)."""
    return max(4, int((width - 10) / 7.5))


def _legend(series: list[Series], x: float, y: float, width: float) -> tuple[list[str], float]:
    """Swatches with their labels, wrapped to `width`; returns the parts and the height used."""
    parts, cx, cy = [], x, y
    for s in series:
        label = plain(s.label, 40)
        span = 18 + 7.5 * len(label) + 14
        if cx + span > x + width and cx > x:
            cx, cy = x, cy + 18
        parts.append(f'<rect x="{cx:.1f}" y="{cy - 10:.1f}" width="12" height="12" fill="{s.colour}"/>')
        parts.append(_text(cx + 17, cy, label, full=s.label))
        cx += span
    return parts, cy - y + 18


def ranked_bars(*, chart_id: str, title: str, description: str, rows: list[tuple[str, int]], headers: list[str], width: int = 560, label_width: int = 200, colour: str = PALETTE[0], ranked: bool = True) -> Chart:
    """Horizontal bars, largest first (unless `ranked` is False: a pooled row stays last): `rows` are (label, value)."""
    if ranked:
        rows = sorted(rows, key=lambda row: (-row[1], str(row[0])))
    bar_height, gap, top = 20, 8, 6
    height = top + len(rows) * (bar_height + gap) + 4
    top_value = max((value for _label, value in rows), default=0) or 1
    room = width - label_width - 50
    body = []
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_height + gap)
        length = max(room * value / top_value, 2 if value else 0)
        body.append(_text(label_width - 8, y + 14, plain(label, _fits(label_width)), anchor="end", full=label))
        body.append(f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" rx="2" fill="{colour}"/>')
        body.append(_text(label_width + length + 6, y + 14, str(value), weight="bold"))
    return Chart(
        id=chart_id, title=title, description=description,
        svg=_svg(chart_id, title, description, width, max(height, 30), body),
        headers=headers, rows=[[label, value] for label, value in rows], empty=not rows,
    )


def stacked_bars(*, chart_id: str, title: str, description: str, rows: list[tuple[str, dict[str, int]]], series: list[Series], headers: list[str], width: int = 560, label_width: int = 80) -> Chart:
    """One horizontal bar per row, split into `series`; a legend above. `rows`: (label, {key: n})."""
    legend, legend_height = _legend(series, 4, 14, width - 8)
    bar_height, gap, top = 18, 8, legend_height + 10
    height = top + len(rows) * (bar_height + gap) + 4
    top_value = max((sum(values.values()) for _label, values in rows), default=0) or 1
    room = width - label_width - 50
    body = list(legend)
    for i, (label, values) in enumerate(rows):
        y = top + i * (bar_height + gap)
        body.append(_text(label_width - 8, y + 13, plain(label, _fits(label_width)), anchor="end", full=label))
        x = float(label_width)
        for s in series:
            n = values.get(s.key, 0)
            if not n:
                continue
            length = room * n / top_value
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{s.colour}" stroke="#fff" stroke-width="1">'
                f"<title>{escape(plain(s.label))} : {n}</title></rect>"
            )
            x += length
        body.append(_text(x + 6, y + 13, str(sum(values.values())), weight="bold"))
    table = [[label, *[values.get(s.key, 0) for s in series], sum(values.values())] for label, values in rows]
    return Chart(
        id=chart_id, title=title, description=description,
        svg=_svg(chart_id, title, description, width, max(height, 30), body),
        headers=headers, rows=table, empty=not rows,
    )


def stacked_columns(*, chart_id: str, title: str, description: str, periods: list[tuple[str, dict[str, int]]], series: list[Series], headers: list[str], width: int = 560, height: int = 250) -> Chart:
    """Columns over time, split into `series`, with the running total in the table. `periods`: (label, {key: n})."""
    legend, legend_height = _legend(series, 4, 14, width - 8)
    left, right, bottom = 40, 34, 26
    top = legend_height + 10
    plot_height = height - top - bottom
    totals = [sum(values.values()) for _label, values in periods]
    axis_max = _nice_max(max(totals, default=0))
    count = max(len(periods), 1)
    slot = (width - left - right) / count
    column = max(min(slot * 0.75, 40), 1)
    body = list(legend)
    for fraction in (0, 0.5, 1):
        y = top + plot_height * (1 - fraction)
        value = axis_max * fraction
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc" stroke-width="1"/>')
        body.append(_text(left - 5, y + 4, f"{value:g}", anchor="end", size=11, fill="#555"))
    # At most ~8 date labels, so they never overlap.
    every = max(1, -(-len(periods) // 8))
    for i, (label, values) in enumerate(periods):
        x = left + i * slot + (slot - column) / 2
        y = top + plot_height
        for s in series:
            n = values.get(s.key, 0)
            if not n:
                continue
            h = plot_height * n / axis_max
            y -= h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{column:.1f}" height="{h:.1f}" fill="{s.colour}" stroke="#fff" stroke-width="0.5">'
                f"<title>{escape(plain(label))} — {escape(plain(s.label))} : {n}</title></rect>"
            )
        if i % every == 0:
            body.append(_text(x + column / 2, height - 8, plain(label, 12), anchor="middle", size=11, fill="#555"))
    running, table = 0, []
    for (label, values), total in zip(periods, totals):
        running += total
        table.append([label, *[values.get(s.key, 0) for s in series], total, running])
    return Chart(
        id=chart_id, title=title, description=description,
        svg=_svg(chart_id, title, description, width, height, body),
        headers=headers, rows=table, empty=not periods,
    )


@dataclass(frozen=True)
class TimelineItem:
    label: str
    starts: datetime.date
    note: str = ""  # e.g. the département, shown after the date in the table
    highlight: bool = False  # drawn in the accent colour (e.g. today or an online space)


def timeline(*, chart_id: str, title: str, description: str, items: list[TimelineItem], headers: list[str], today: datetime.date | None = None, width: int = 560) -> Chart:
    """One row per item (its label on the left), a dot at its date on a shared time axis."""
    items = sorted(items, key=lambda item: (item.starts, item.label))
    label_width, right, row, top = 190, 30, 26, 28
    height = top + len(items) * row + 10
    body = []
    if items:
        first, last = items[0].starts, items[-1].starts
        if today:
            first, last = min(first, today), max(last, today)
        span = max((last - first).days, 1)
        room = width - label_width - right

        def x_of(day: datetime.date) -> float:
            return label_width + room * (day - first).days / span

        body.append(f'<line x1="{label_width}" x2="{width - right}" y1="{top - 8}" y2="{top - 8}" stroke="#999"/>')
        for tick, tick_label in _ticks(first, last):
            x = x_of(tick)
            body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 12}" y2="{height - 6}" stroke="#e3e3e3"/>')
            body.append(_text(x, top - 14, tick_label, anchor="middle", size=11, fill="#555"))
        if today:
            x = x_of(today)
            body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 8}" y2="{height - 6}" stroke="{PALETTE[1]}" stroke-dasharray="4 3"/>')
        for i, item in enumerate(items):
            y = top + i * row + 8
            body.append(_text(label_width - 10, y + 4, plain(item.label, _fits(label_width)), anchor="end", full=item.label))
            colour = PALETTE[6] if item.highlight else PALETTE[0]
            body.append(
                f'<circle cx="{x_of(item.starts):.1f}" cy="{y}" r="6" fill="{colour}">'
                f"<title>{escape(plain(item.label))} — {item.starts.strftime('%d/%m/%Y')}</title></circle>"
            )
    table = [[item.label, item.starts, item.note] for item in items]
    return Chart(
        id=chart_id, title=title, description=description,
        svg=_svg(chart_id, title, description, width, max(height, 40), body),
        headers=headers, rows=table, empty=not items,
    )


def _ticks(first: datetime.date, last: datetime.date) -> list[tuple[datetime.date, str]]:
    """Dated ticks for the axis: Mondays over two months or less, else first days of months; six at most."""
    ticks: list[tuple[datetime.date, str]] = []
    if (last - first).days <= 62:
        day = first + datetime.timedelta(days=-first.weekday() % 7)
        while day <= last:
            ticks.append((day, day.strftime("%d/%m")))
            day += datetime.timedelta(days=7)
    else:
        day = first.replace(day=1)
        while day <= last:
            if day >= first:
                ticks.append((day, day.strftime("%m/%Y")))
            day = (day + datetime.timedelta(days=32)).replace(day=1)
    step = max(1, -(-len(ticks) // 6))
    return ticks[::step]
