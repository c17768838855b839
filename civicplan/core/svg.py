"""Server-rendered charts (SVG; bar charts as HTML rows): readable without JavaScript, printable,
accessible.

Every SVG chart has a `<title>` and `<desc>` for screen readers, a bar chart's rows are text;
all use the site's palette.
Numbers are formatted the Russian way (space for thousands, comma for decimals).
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

PALETTE = ["#1f5fa8", "#d9822b", "#2e8b57", "#b03a48", "#6a4c93", "#0f8b8d", "#8a6d3b", "#555"]


def format_number(value: float | None, digits: int = 1) -> str:
    """12345.6 -> «12 345,6»; integers without decimals; None -> «—»."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if abs(value - round(value)) < 1e-9 or abs(value) >= 10000:
        text = f"{round(value):,}".replace(",", "\u00a0")
    else:
        text = f"{value:,.{digits}f}".replace(",", "\u00a0").replace(".", ",")
    if text.startswith("-") and not text.strip("-0,\u00a0"):
        text = text[1:]  # −0,0 is a zero that lost its sign in rounding
    return text.replace("-", "\u2212", 1) if text.startswith("-") else text


def unit_for(value: float, unit: str | tuple[str, str, str]) -> str:
    """The unit in the Russian form the number needs: 1 голос, 3 голоса, 5 голосов, 2,5 балла."""
    if isinstance(unit, str):
        return unit
    if abs(value - round(value)) > 1e-9:
        return unit[1]
    n = abs(int(round(value)))
    if n % 10 == 1 and n % 100 != 11:
        return unit[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return unit[1]
    return unit[2]


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high == low:
        high = low + 1 if low == 0 else low + abs(low) * 0.1
    span = high - low
    raw = span / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), default=raw)
    start = math.floor(low / step) * step
    ticks = [round(start, 10)]
    while ticks[-1] < high - 1e-9:  # the last tick is at or above the highest value
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


@dataclass
class Series:
    name: str
    points: Sequence[tuple[float, float | None]]
    color: str | None = None
    dashed: bool = False
    markers: bool = True


@dataclass
class Bar:
    label: str
    value: float
    color: str | None = None
    note: str = ""
    url: str = ""


@dataclass
class MapPoint:
    lat: float
    lon: float
    label: str
    value: float = 1.0
    url: str = ""
    color: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _svg_open(
    width: int, height: int, title: str, desc: str, css_class: str, *, links: bool = False
) -> list[str]:
    """A chart with links inside is a group of links (an image may hold nothing interactive)."""
    uid = secrets.token_hex(4)
    role = "group" if links else "img"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" '
        f'viewBox="0 0 {width} {height}" role="{role}" aria-labelledby="t{uid} d{uid}" '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<title id="t{uid}">{escape(title)}</title>',
        f'<desc id="d{uid}">{escape(desc)}</desc>',
    ]


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    y_label: str = "",
    width: int = 640,
    height: int = 300,
    x_is_year: bool = True,
) -> SafeString:
    """A line chart of one or more series over x (years by default)."""
    points = [(x, y) for s in series for x, y in s.points if y is not None]
    if not points:
        return mark_safe("")
    left, right, top, bottom = 70, 20, 20, 60
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x_min, x_max = min(xs), max(xs)
    if x_min == x_max:
        x_min, x_max = x_min - 1, x_max + 1
    ticks = _nice_ticks(
        min(ys + [0.0]) if min(ys) >= 0 and min(ys) < max(ys) * 0.3 else min(ys), max(ys)
    )
    y_min, y_max = ticks[0], ticks[-1]
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(x: float) -> float:
        return left + (x - x_min) / (x_max - x_min) * plot_w

    def py(y: float) -> float:
        return top + plot_h - (y - y_min) / ((y_max - y_min) or 1) * plot_h

    desc = "; ".join(
        f"{s.name}: "
        + ", ".join(
            f"{int(x) if x_is_year else x} — {format_number(y)}"
            for x, y in s.points
            if y is not None
        )
        for s in series
    )
    out = _svg_open(width, height, title, desc, "chart-line")
    for tick in ticks:
        y = py(tick)
        out.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        out.append(
            f'<text class="tick" x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{format_number(tick)}</text>'
        )
    x_values = sorted(set(xs))
    step = max(1, math.ceil(len(x_values) / 10))
    for x in x_values[::step]:
        label = str(int(x)) if x_is_year else format_number(x)
        out.append(
            f'<text class="tick" x="{px(x):.1f}" y="{height - bottom + 18}" text-anchor="middle">{label}</text>'
        )
    if y_label:
        out.append(f'<text class="axis-label" x="{left}" y="{top - 6}">{escape(y_label)}</text>')
    for index, s in enumerate(series):
        color = s.color or PALETTE[index % len(PALETTE)]
        coords = [(px(x), py(y)) for x, y in s.points if y is not None]
        if len(coords) > 1:
            path = " ".join(
                f"{'M' if i == 0 else 'L'}{cx:.1f},{cy:.1f}" for i, (cx, cy) in enumerate(coords)
            )
            dash = ' stroke-dasharray="6 4"' if s.dashed else ""
            out.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2.5"{dash}/>')
        if s.markers:
            for (cx, cy), (px_, py_) in zip(
                coords, [p for p in s.points if p[1] is not None], strict=False
            ):
                x_text = int(px_) if x_is_year else px_
                out.append(
                    f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{color}">'
                    f"<title>{escape(s.name)}, {x_text}: {format_number(py_)}</title></circle>"
                )
    legend_y = height - 18
    legend_x = left
    for index, s in enumerate(series):
        color = s.color or PALETTE[index % len(PALETTE)]
        out.append(
            f'<rect x="{legend_x}" y="{legend_y - 9}" width="14" height="4" fill="{color}"/>'
        )
        out.append(
            f'<text class="legend" x="{legend_x + 20}" y="{legend_y - 4}">{escape(s.name)}</text>'
        )
        legend_x += 30 + 7 * len(s.name)
    out.append("</svg>")
    return mark_safe("".join(out))


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    unit: str | tuple[str, str, str] = "",
    signed: bool = False,
) -> SafeString:
    """Horizontal bars as an HTML list: the label (a link when the bar has one), the bar, and
    the value with its unit.

    Each bar is a small inline SVG that stretches to its column (no inline style, which the
    CSP forbids). On a wide screen label, bar and value sit in one row; on a phone the label
    takes its own line above the bar, so a long direction name or idea is read whole at the
    page's font size instead of shrinking with a scaled-down image. `signed` bars grow left
    and right of a zero line. The title names the list for screen readers.
    """
    if not bars:
        return mark_safe("")
    values = [b.value for b in bars]
    low = min(0.0, min(values)) if signed else 0.0
    high = max(0.0, max(values)) if signed else max(max(values), 1e-9)
    span = (high - low) or 1.0
    scale = 1000 / span  # the bar's viewBox is 1000 units wide
    zero_x = (0 - low) * scale
    uid = secrets.token_hex(4)
    out = [
        f'<figure class="chart-bar" aria-labelledby="c{uid}">'
        f'<figcaption id="c{uid}" class="visually-hidden">{escape(title)}</figcaption><ol>'
    ]
    for b in bars:
        color = b.color or (PALETTE[3] if b.value < 0 else PALETTE[0])
        x0 = (min(b.value, 0) - low) * scale
        width = max(abs(b.value) * scale, 2.0)
        label: str = escape(b.label)
        if b.url:
            label = f'<a href="{escape(b.url)}">{label}</a>'
        value_text = f"{format_number(b.value)} {unit_for(b.value, unit)}".strip() + (
            f" {b.note}" if b.note else ""
        )
        zero = (
            f'<line class="zero" x1="{zero_x:.1f}" x2="{zero_x:.1f}" y1="0" y2="20" '
            'vector-effect="non-scaling-stroke"/>'
            if signed
            else ""
        )
        out.append(
            f'<li><span class="bar-name">{label}</span>'
            '<svg class="bar-track" viewBox="0 0 1000 20" preserveAspectRatio="none" '
            'aria-hidden="true" focusable="false">'
            f'<rect x="{x0:.1f}" y="2" width="{width:.1f}" height="16" fill="{escape(color)}"/>'
            f"{zero}</svg>"
            f'<span class="bar-amount">{escape(value_text)}</span></li>'
        )
    out.append("</ol></figure>")
    return mark_safe("".join(out))


def point_map(
    points: Sequence[MapPoint],
    *,
    title: str,
    width: int = 640,
    height: int = 420,
    max_radius: float = 18.0,
) -> SafeString:
    """Municipalities as circles at their coordinates (equirectangular, corrected for latitude),
    the area proportional to `value`."""
    located = [p for p in points if p.lat is not None and p.lon is not None]
    if not located:
        return mark_safe("")
    pad = max_radius + 6
    lats = [p.lat for p in located]
    lons = [p.lon for p in located]
    mid_lat = math.radians((min(lats) + max(lats)) / 2)
    kx = math.cos(mid_lat)
    span_x = max((max(lons) - min(lons)) * kx, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    max_value = max((p.value for p in located), default=1.0) or 1.0
    desc = "; ".join(f"{p.label}: {format_number(p.value)}" for p in located[:200])
    out = _svg_open(width, height, title, desc, "chart-map", links=any(p.url for p in located))
    out.append(f'<rect class="map-bg" x="0" y="0" width="{width}" height="{height}" rx="6"/>')

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return pad + (lon - min(lons)) * kx * scale, pad + (max(lats) - lat) * scale

    # The ground: parallels and meridians signed in degrees, and the area the municipalities
    # cover (their convex hull, widened by a margin) as the region's approximate outline.
    for lat in range(math.ceil(min(lats) - 1), math.floor(max(lats) + 1) + 1):
        _lon_x, y = xy(lat, min(lons))
        if 12 < y < height - 4:
            out.append(f'<line class="graticule" x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}"/>')
            out.append(
                f'<text class="graticule-label" x="4" y="{y - 3:.1f}">{escape(_("%(lat)s° с. ш.") % {"lat": lat})}</text>'
            )
    for lon in range(math.ceil(min(lons) - 2), math.floor(max(lons) + 2) + 1):
        x, _lat_y = xy(max(lats), lon)
        if 40 < x < width - 4:
            out.append(f'<line class="graticule" x1="{x:.1f}" x2="{x:.1f}" y1="0" y2="{height}"/>')
            out.append(
                f'<text class="graticule-label" x="{x + 3:.1f}" y="{height - 5}">'
                + escape(_("%(lon)s° в. д.") % {"lon": lon})
                + "</text>"
            )
    hull = _convex_hull([xy(p.lat, p.lon) for p in located])
    if len(hull) >= 3:
        cx = sum(x for x, _ in hull) / len(hull)
        cy = sum(y for _, y in hull) / len(hull)
        grown = []
        for x, y in hull:
            dx, dy = x - cx, y - cy
            length = math.hypot(dx, dy) or 1.0
            grown.append((x + dx / length * (max_radius + 4), y + dy / length * (max_radius + 4)))
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in grown)
        out.append(f'<polygon class="map-area" points="{path}"/>')
    placed: list[tuple[float, float, float, float]] = []
    labels: list[str] = []
    for p in sorted(located, key=lambda q: -q.value):
        x, y = xy(p.lat, p.lon)
        r = max(3.0, max_radius * math.sqrt(max(p.value, 0) / max_value))
        color = p.color or PALETTE[0]
        tip = escape(p.label + (": " + format_number(p.value) if p.value else ""))
        extra = "".join(f"\n{escape(k)}: {escape(v)}" for k, v in p.extra.items())
        circle = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{color}" fill-opacity="0.65" '
            f'stroke="#fff" stroke-width="1"><title>{tip}{extra}</title></circle>'
        )
        out.append(f'<a href="{escape(p.url)}">{circle}</a>' if p.url else circle)
        # Signed where the name fits without covering another name: the largest first.
        name = _short_place(p.label)
        box_w, box_h = 6.4 * len(name) + 4, 14.0
        bx = min(max(x + r + 2, 2), width - box_w - 2)
        box = (bx, y - box_h / 2, bx + box_w, y + box_h / 2)
        if all(box[2] < o[0] or box[0] > o[2] or box[3] < o[1] or box[1] > o[3] for o in placed):
            placed.append(box)
            labels.append(
                f'<text class="map-label" x="{bx:.1f}" y="{y + 4:.1f}" aria-hidden="true">'
                f"{escape(name)}</text>"
            )
    out.extend(labels)
    out.append("</svg>")
    return mark_safe("".join(out))


# Kinds of municipality that a map label drops from a name (name data, matched, not shown).
PLACE_KIND_PREFIXES = (
    "муниципальный район ",
    "городской округ ",
    "муниципальный округ ",
    "городское поселение ",
    "сельское поселение ",
    "г.о. ",
    "м.р. ",
)


def _short_place(label: str) -> str:
    """«муниципальный район Кинельский» -> «Кинельский»; «городской округ Отрадный» -> «Отрадный»."""
    for prefix in PLACE_KIND_PREFIXES:
        if label.lower().startswith(prefix):
            return label[len(prefix) :]
        if label.lower().endswith(" " + prefix.strip()):
            return label[: -len(prefix)].strip()
    return label


def _convex_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Andrew's monotone chain."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


@dataclass
class GanttRow:
    """A bar on a timeline: from `start` to `end`, `progress` (0–100) filled, `late` marked."""

    label: str
    start: date
    end: date
    progress: float = 0.0
    color: str | None = None
    late: bool = False
    depth: int = 0
    url: str = ""
    note: str = ""
    marks: Sequence[tuple[date, str, bool]] = ()  # (date, title, done) milestones


def gantt_chart(
    rows: Sequence[GanttRow],
    *,
    title: str,
    today: date | None = None,
    width: int = 960,
    row_height: int = 26,
    label_width: int = 330,
) -> SafeString:
    """A timeline of bars with years along the top, progress filled, late bars hatched with a
    thick outline and «!», milestones as diamonds and a «today» line. Prints in black and white:
    lateness is shown by pattern and text, not by colour alone."""
    if not rows:
        return mark_safe("")
    first = min(r.start for r in rows)
    last = max(r.end for r in rows)
    start = date(first.year, 1, 1)
    end = date(last.year + 1, 1, 1)
    span = (end - start).days or 1
    top = 34
    height = top + len(rows) * row_height + 14
    plot_w = width - label_width - 12

    def px(day: date) -> float:
        return label_width + (day - start).days / span * plot_w

    desc = "; ".join(
        f"{r.label}: {r.start:%d.%m.%Y} — {r.end:%d.%m.%Y}, {format_number(r.progress, 0)} %"
        + (_(" (отстаёт)") if r.late else "")
        for r in rows[:200]
    )
    out = _svg_open(width, height, title, desc, "chart-gantt", links=any(r.url for r in rows))
    out.append(
        '<defs><pattern id="gantt-late" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#b03a48" stroke-width="3"/></pattern></defs>'
    )
    years = list(range(start.year, end.year + 1))
    step = max(1, math.ceil(len(years) / 14))
    for year in years[::step]:
        x = px(date(year, 1, 1))
        out.append(
            f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{top - 6}" y2="{height - 8}"/>'
        )
        if year < end.year:
            out.append(f'<text class="tick" x="{x + 3:.1f}" y="{top - 12}">{year}</text>')
    for index, r in enumerate(rows):
        y = top + index * row_height
        if index % 2 == 0:
            out.append(
                f'<rect class="gantt-stripe" x="0" y="{y}" width="{width}" height="{row_height}" fill="#f4f6f8"/>'
            )
        indent = 8 + 14 * r.depth
        char_width = 7.6 if (r.late or r.depth == 0) else 6.9  # bold is wider
        max_chars = max(12, int((label_width - indent - 10) / char_width))
        label = r.label if len(r.label) <= max_chars else r.label[: max_chars - 1] + "…"
        label = ("! " if r.late else "") + label
        weight = ' font-weight="bold"' if r.late or r.depth == 0 else ""
        text = (
            f'<text class="bar-label" x="{indent}" y="{y + row_height * 0.66:.1f}"{weight}>'
            f"{escape(label)}<title>{escape(r.label)}</title></text>"
        )
        out.append(f'<a href="{escape(r.url)}">{text}</a>' if r.url else text)
        x0, x1 = px(r.start), max(px(r.end), px(r.start) + 2)
        bar_h = row_height - 10
        color = r.color or PALETTE[0]
        fill = "url(#gantt-late)" if r.late else "#fff"
        stroke_w = 2.5 if r.late else 1.2
        stroke = "#b03a48" if r.late else color
        tip = (
            _("%(label)s: %(start)s — %(end)s, выполнено %(progress)s %%")
            % {
                "label": r.label,
                "start": f"{r.start:%d.%m.%Y}",
                "end": f"{r.end:%d.%m.%Y}",
                "progress": format_number(r.progress, 0),
            }
            + (_(", отстаёт от графика") if r.late else "")
            + (f". {r.note}" if r.note else "")
        )
        out.append(
            f'<rect x="{x0:.1f}" y="{y + 5}" width="{x1 - x0:.1f}" height="{bar_h}" rx="2" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{stroke_w}"><title>{escape(tip)}</title></rect>'
        )
        done_w = (x1 - x0) * max(0.0, min(r.progress, 100.0)) / 100
        if done_w > 0:
            out.append(
                f'<rect x="{x0:.1f}" y="{y + 5 + bar_h * 0.25:.1f}" width="{done_w:.1f}" '
                f'height="{bar_h * 0.5:.1f}" fill="{color}"/>'
            )
        for when, name, done in r.marks:
            if not (start <= when <= end):
                continue
            mx, my = px(when), y + row_height / 2
            out.append(
                f'<path d="M{mx:.1f},{my - 6:.1f} L{mx + 5:.1f},{my:.1f} L{mx:.1f},{my + 6:.1f} '
                f'L{mx - 5:.1f},{my:.1f} Z" fill="{"#333" if done else "#fff"}" stroke="#333">'
                f"<title>{escape(name)}, {when:%d.%m.%Y}{escape(_(' — выполнено')) if done else ''}"
                "</title></path>"
            )
        pct = f"{format_number(r.progress, 0)} %"
        out.append(
            f'<text class="bar-value" x="{min(x1 + 4, width - 40):.1f}" y="{y + row_height * 0.66:.1f}">{pct}</text>'
        )
    if today is not None and start <= today <= end:
        tx = px(today)
        out.append(
            f'<line class="today" x1="{tx:.1f}" x2="{tx:.1f}" y1="{top - 6}" y2="{height - 8}" '
            f'stroke="#b03a48" stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
        out.append(
            f'<text class="tick" x="{tx + 3:.1f}" y="{height - 2}">{escape(_("сегодня"))}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))


def sparkline(
    values: Sequence[float],
    *,
    title: str,
    width: int = 120,
    height: int = 28,
    color: str | None = None,
) -> SafeString:
    """A tiny trend line for a table cell; its `<title>` lists the values."""
    if not values:
        return mark_safe("")
    high = max(values) or 1
    step = width / max(len(values) - 1, 1)
    coords = [(i * step, height - 3 - (v / high) * (height - 6)) for i, v in enumerate(values)]
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(coords))
    desc = ", ".join(format_number(v) for v in values)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img"><title>{escape(title)}: {desc}</title>'
        f'<path d="{path}" fill="none" stroke="{color or PALETTE[0]}" stroke-width="2"/></svg>'
    )
