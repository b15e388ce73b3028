"""The default theme's accent palette: one site.yaml colour -> shades that keep text readable."""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass

HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

DEFAULT_ACCENT = "#b3261e"


@dataclass(frozen=True)
class Scheme:
    """Colours of the default theme's static/style.css (tests/test_theme_default.py keeps them
    in step). Accent text is checked on `surface`, the background it has least contrast with."""

    page: str
    surface: str
    text: str


LIGHT = Scheme(page="#fbfaf8", surface="#fbfaf8", text="#1b1a17")
DARK = Scheme(page="#151412", surface="#1f1e1b", text="#ece9e3")

TEXT_CONTRAST = 4.5  # WCAG AA for normal text
HEAT_SHARES = (0.14, 0.28, 0.42, 0.56)  # how much accent each heat-map level mixes in

RGB = tuple[float, float, float]


def parse_hex(text: str) -> RGB:
    """`#b3261e` or `#b32` -> (r, g, b) in 0..255; raises ValueError for anything else."""
    if not HEX.match(text):
        raise ValueError(f"not a hex colour: {text!r}")
    digits = text[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def to_hex(color: RGB) -> str:
    return "#" + "".join(f"{round(min(255.0, max(0.0, c))):02x}" for c in color)


def luminance(color: RGB) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """The WCAG contrast ratio of two colours, 1..21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(a: RGB, b: RGB, share_of_a: float) -> RGB:
    """`share_of_a` of `a` and the rest of `b`, rounded to whole channels as CSS will."""
    t = share_of_a
    return _whole(tuple(x * t + y * (1 - t) for x, y in zip(a, b, strict=True)))


def _whole(color: tuple[float, ...]) -> RGB:
    r, g, b = (float(round(min(255.0, max(0.0, c)))) for c in color)
    return (r, g, b)


def readable(color: RGB, background: RGB, minimum: float = TEXT_CONTRAST) -> RGB:
    """`color` as text on `background`: itself if it is readable, else darker (on a light
    background) or lighter (on a dark one) just far enough, keeping its hue and saturation."""
    hue, light, saturation = colorsys.rgb_to_hls(*(c / 255 for c in color))
    target = 0.0 if luminance(background) > 0.18 else 1.0
    shade = color
    while contrast(shade, background) < minimum and light != target:
        light = max(light - 0.01, 0.0) if target == 0 else min(light + 0.01, 1.0)
        shade = _whole(tuple(c * 255 for c in colorsys.hls_to_rgb(hue, light, saturation)))
    return shade


def heat_shades(accent: RGB, background: RGB, text: RGB) -> tuple[RGB, ...]:
    """Four tints of the accent for the archive calendar, each keeping `text` readable on it."""
    shades = []
    for share in HEAT_SHARES:
        tint = mix(accent, background, share)
        while contrast(tint, text) < TEXT_CONTRAST and share > 0.04:
            share -= 0.02
            tint = mix(accent, background, share)
        shades.append(tint)
    return tuple(shades)


@dataclass(frozen=True)
class Palette:
    """CSS custom properties for light and dark mode."""

    light: tuple[tuple[str, str], ...]
    dark: tuple[tuple[str, str], ...]

    @property
    def css(self) -> str:
        def block(props: tuple[tuple[str, str], ...]) -> str:
            return ":root{" + ";".join(f"{name}:{value}" for name, value in props) + "}"

        return f"{block(self.light)}@media (prefers-color-scheme:dark){{{block(self.dark)}}}"


def palette(accent: str, accent_dark: str = "") -> Palette:
    """The accent for text and focus rings, and heat-map tints, for both colour schemes.

    In dark mode the accent is `accent_dark` when given, else `accent` lightened to read.
    """

    def side(base: RGB, scheme: Scheme) -> tuple[tuple[str, str], ...]:
        text = readable(base, parse_hex(scheme.surface))
        heat = heat_shades(text, parse_hex(scheme.page), parse_hex(scheme.text))
        heat_props = ((f"--heat-{n}", to_hex(h)) for n, h in enumerate(heat, start=1))
        return (("--accent", to_hex(text)), *heat_props)

    return Palette(
        light=side(parse_hex(accent), LIGHT),
        dark=side(parse_hex(accent_dark or accent), DARK),
    )
