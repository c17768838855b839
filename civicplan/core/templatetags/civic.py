"""Template helpers shared by every app: Russian plurals, numbers, htmx script tag."""

from __future__ import annotations

from functools import cache
from typing import Any

from django import template
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicplan.core.svg import format_number
from civicplan.core.text import plain_text

register = template.Library()

HTMX_PATH = "htmx.org/dist/htmx.min.js"


def ru_plural_form(number: int, forms: tuple[str, str, str]) -> str:
    """Pick the Russian form for a number: 1 минута, 2 минуты, 5 минут, 11 минут, 21 минута."""
    n = abs(int(number))
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


@register.filter
def ru_plural(number: int | None, forms: str) -> str:
    """`{{ n|ru_plural:"минута,минуты,минут" }}` -> «5 минут»."""
    parts = [p.strip() for p in forms.split(",")]
    if len(parts) != 3 or number is None:
        return str(number or 0)
    return f"{number}\u00a0{ru_plural_form(int(number), (parts[0], parts[1], parts[2]))}"


@register.filter
def number(value: float | None, digits: int = 1) -> str:
    return format_number(value, int(digits))


@cache
def _htmx_available() -> bool:
    return bool(finders.find(HTMX_PATH))


@register.simple_tag
def htmx_script() -> SafeString:
    """The htmx script from the npm package when it was installed; pages work without it."""
    if not _htmx_available():
        return mark_safe("")
    # htmx would otherwise inject an inline <style> for indicators, which the CSP forbids;
    # the indicator rules live in site.css instead.
    return format_html(
        '<meta name="htmx-config" content=\'{{"includeIndicatorStyles": false}}\'>'
        '<script src="{}" defer></script>',
        static(HTMX_PATH),
    )


@register.filter
def get_item(mapping: dict[Any, Any] | None, key: object) -> object:
    """`{{ row.values|get_item:year }}` for dictionaries keyed by numbers."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def plain(value: object) -> str:
    """`{{ proposal.text|plain }}`: text that arrived as HTML shown clean (then auto-escaped)."""
    return plain_text(str(value) if value is not None else "")


@register.filter
def proposal_label(proposal: object, length: int = 90) -> str:
    """A proposal's title, or the start of its clean text when it has none; the public
    (masked) versions when the proposal offers them."""
    title = getattr(proposal, "public_title", None) or getattr(proposal, "title", "") or ""
    if getattr(proposal, "title", ""):
        return plain_text(title)
    body = getattr(proposal, "public_text", None) or getattr(proposal, "text", "") or ""
    text = " ".join(plain_text(body).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


_ZONE_NAMES = {
    "Europe/Kaliningrad": gettext_lazy("калининградское время"),
    "Europe/Moscow": gettext_lazy("московское время"),
    "Europe/Kirov": gettext_lazy("московское время"),
    "Europe/Volgograd": gettext_lazy("московское время"),
    "Europe/Simferopol": gettext_lazy("московское время"),
    "Europe/Samara": gettext_lazy("самарское время"),
    "Europe/Ulyanovsk": gettext_lazy("самарское время"),
    "Europe/Astrakhan": gettext_lazy("самарское время"),
    "Europe/Saratov": gettext_lazy("самарское время"),
    "Asia/Yekaterinburg": gettext_lazy("екатеринбургское время"),
    "Asia/Omsk": gettext_lazy("омское время"),
    "Asia/Novosibirsk": gettext_lazy("красноярское время"),
    "Asia/Barnaul": gettext_lazy("красноярское время"),
    "Asia/Tomsk": gettext_lazy("красноярское время"),
    "Asia/Novokuznetsk": gettext_lazy("красноярское время"),
    "Asia/Krasnoyarsk": gettext_lazy("красноярское время"),
    "Asia/Irkutsk": gettext_lazy("иркутское время"),
    "Asia/Chita": gettext_lazy("якутское время"),
    "Asia/Yakutsk": gettext_lazy("якутское время"),
    "Asia/Khandyga": gettext_lazy("якутское время"),
    "Asia/Vladivostok": gettext_lazy("владивостокское время"),
    "Asia/Ust-Nera": gettext_lazy("владивостокское время"),
    "Asia/Magadan": gettext_lazy("магаданское время"),
    "Asia/Sakhalin": gettext_lazy("магаданское время"),
    "Asia/Srednekolymsk": gettext_lazy("магаданское время"),
    "Asia/Kamchatka": gettext_lazy("камчатское время"),
    "Asia/Anadyr": gettext_lazy("камчатское время"),
}


@register.filter
def tz_name(zone: object) -> str:
    """«Europe/Samara» -> «самарское время, МСК+1»: how the zone is named in Russia."""
    import datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    key = str(zone or "")
    try:
        now = datetime.datetime.now(datetime.UTC)
        offset = now.astimezone(ZoneInfo(key)).utcoffset()
        moscow = now.astimezone(ZoneInfo("Europe/Moscow")).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return key
    if offset is None or moscow is None:
        return key
    hours = round((offset - moscow).total_seconds() / 3600)
    msk = (
        _("МСК")
        if hours == 0
        else _("МСК%(offset)s") % {"offset": f"{hours:+d}".replace("-", "\u2212")}
    )
    zone_name = _ZONE_NAMES.get(key)
    name = str(zone_name) if zone_name is not None else None
    if key == "Europe/Moscow" or (name == str(_ZONE_NAMES["Europe/Moscow"]) and hours == 0):
        return name or msk
    return f"{name}, {msk}" if name else msk
