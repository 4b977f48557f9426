"""Inline SVG written at build time: escaped elements and the colours of the statuses.

Charts and flow diagrams are drawn in Python, so the site needs no chart
library and no script to show them. Everything here is presentation
attributes and classes, never a `style` attribute, so a strict CSP holds.
"""

from __future__ import annotations

from markupsafe import Markup, escape

SVG_NS = "http://www.w3.org/2000/svg"

# One colour per status, each at least 7:1 against white (WCAG 1.4.11 asks 3:1),
# and one pattern each, so that colour is never the only cue.
STATUS_COLOURS = {
    "applied": "#0b4a8b",
    "granted": "#1d6b3a",
    "rejected": "#a4262c",
    "contributed": "#5a2d91",
}
GRID = "#c4cad2"
TEXT = "#1b1f24"
MUTED = "#4a5360"

Attr = str | int | float | None


def coordinate(value: str | int | float) -> str:
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    return str(value)


def element(tag: str, attrs: dict[str, Attr] | None = None, *children: str) -> str:
    """`<tag a="v">children</tag>`: attribute values escaped, children already markup."""
    parts = [tag]
    for name, value in (attrs or {}).items():
        if value is None:
            continue
        if isinstance(value, str):
            parts.append(f'{name}="{escape(value)}"')
        else:  # a number never needs escaping
            parts.append(f'{name}="{coordinate(value)}"')
    opening = " ".join(parts)
    if not children:
        return f"<{opening}/>"
    return f"<{opening}>{''.join(children)}</{tag}>"


def text(value: str) -> str:
    """Character data, escaped."""
    return str(escape(value))


def title(value: str) -> str:
    return element("title", None, text(value))


def document(
    width: float,
    height: float,
    prefix: str,
    heading: str,
    description: str,
    body: str,
    css: str,
    linked: bool = False,
) -> Markup:
    """An accessible inline SVG with a `<title>` and a `<desc>`.

    A picture is `role="img"`, named by both. A `linked` one holds links, which an
    image's role would hide from assistive technology (its children are presentational),
    so it is a named `role="group"` described by its `<desc>`, and its links stay links.
    """
    names: dict[str, Attr] = (
        {
            "role": "group",
            "aria-labelledby": f"{prefix}-titel",
            "aria-describedby": f"{prefix}-beskrivning",
        }
        if linked
        else {"role": "img", "aria-labelledby": f"{prefix}-titel {prefix}-beskrivning"}
    )
    root = element(
        "svg",
        {
            "xmlns": SVG_NS,
            "class": css,
            "viewBox": f"0 0 {coordinate(width)} {coordinate(height)}",
            "width": width,
            "height": height,
            **names,
            "focusable": "false",
        },
        element("title", {"id": f"{prefix}-titel"}, text(heading)),
        element("desc", {"id": f"{prefix}-beskrivning"}, text(description)),
        body,
    )
    return Markup(root)
