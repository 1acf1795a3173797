"""Colours: WCAG contrast, and the dark-mode palette derived from a publication's own colours.

In dark mode the card turns near-black, where the brand's accent (a deep red, a deep blue) would be
too dark to read. Each colour that carries the brand keeps its hue and, as far as sRGB allows, its
chroma, and is made lighter in OKLCH (a perceptual space: equal steps look equal, and the hue does
not drift as it does when HSL lightens a blue) just until it passes WCAG's contrast on the card.
Every function is pure; the thresholds are guaranteed, so `compose check` need not check them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from .models import Colours

TEXT_CONTRAST = 4.5  # WCAG 2.x AA for normal text (1.4.3): links, button labels, muted text
GRAPHIC_CONTRAST = 3.0  # WCAG 2.x AA for graphical objects (1.4.11): the masthead rule, the quote bar

# The dark surfaces and body text are neutral, whatever the brand: the brand shows in its accent.
DARK_BACKGROUND = "#121212"
DARK_PAPER = "#1e1e1e"
DARK_TEXT = "#e8e8e8"
DARK_DIVIDER = "#3a3a3a"  # seen but quiet on the card
DARK_MUTED_LIGHTNESS = 0.77  # OKLCH lightness of a muted text: #b4b4b4 for a neutral grey
DARK_MUTED_CHROMA = 0.03  # at most a tinted grey: a coloured muted text would pass for a link
GREY_CHROMA = 0.03  # an accent with less chroma than this is a grey (or near-black, near-white)

RGB = tuple[int, int, int]


def rgb(colour: str) -> RGB:
    """The red, green and blue (0-255) of a #rrggbb or #rgb colour."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def hex_colour(channels: RGB) -> str:
    return "#" + "".join(f"{channel:02x}" for channel in channels)


def _linear(channel: float) -> float:
    """An sRGB channel (0-1) without its gamma: light's own intensity."""
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _gamma(channel: float) -> float:
    return channel * 12.92 if channel <= 0.0031308 else 1.055 * channel ** (1 / 2.4) - 0.055


def luminance(channels: RGB) -> float:
    """Relative luminance of an sRGB colour, as WCAG 2.x defines it."""
    red, green, blue = (_linear(channel / 255) for channel in channels)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.x contrast ratio of two #rrggbb (or #rgb) colours, from 1 to 21."""
    lighter, darker = sorted((luminance(rgb(foreground)), luminance(rgb(background))), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class Lch:
    """A colour in OKLCH: lightness 0-1, chroma (0 is grey; sRGB reaches about 0.32), hue in degrees."""

    lightness: float
    chroma: float
    hue: float


def oklch(colour: str) -> Lch:
    """``colour`` in OKLCH, by way of OKLab (Björn Ottosson, 2020)."""
    red, green, blue = (_linear(channel / 255) for channel in rgb(colour))
    long = math.cbrt(0.4122214708 * red + 0.5363325363 * green + 0.0514459929 * blue)
    medium = math.cbrt(0.2119034982 * red + 0.6806995451 * green + 0.1073969566 * blue)
    short = math.cbrt(0.0883024619 * red + 0.2817188376 * green + 0.6299787005 * blue)
    lightness = 0.2104542553 * long + 0.7936177850 * medium - 0.0040720468 * short
    a = 1.9779984951 * long - 2.4285922050 * medium + 0.4505937099 * short
    b = 0.0259040371 * long + 0.7827717662 * medium - 0.8086757660 * short
    return Lch(lightness, math.hypot(a, b), math.degrees(math.atan2(b, a)) % 360)


def _linear_rgb(colour: Lch) -> tuple[float, float, float]:
    """OKLCH back to linear sRGB; channels outside 0-1 mean sRGB cannot show the colour."""
    a = colour.chroma * math.cos(math.radians(colour.hue))
    b = colour.chroma * math.sin(math.radians(colour.hue))
    long = (colour.lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3
    medium = (colour.lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3
    short = (colour.lightness - 0.0894841775 * a - 1.2914855480 * b) ** 3
    return (
        4.0767416621 * long - 3.3077115913 * medium + 0.2309699292 * short,
        -1.2684380046 * long + 2.6097574011 * medium - 0.3413193965 * short,
        -0.0041960863 * long - 0.7034186147 * medium + 1.7076147010 * short,
    )


def _in_gamut(colour: Lch) -> bool:
    return all(-1e-6 <= channel <= 1 + 1e-6 for channel in _linear_rgb(colour))


def from_oklch(colour: Lch) -> str:
    """The #rrggbb nearest ``colour`` with its lightness and hue: chroma is reduced until sRGB can
    show it (a light blue as vivid as a deep one does not exist)."""
    if not _in_gamut(colour):
        low, high = 0.0, colour.chroma
        for _ in range(24):
            middle = (low + high) / 2
            low, high = (middle, high) if _in_gamut(Lch(colour.lightness, middle, colour.hue)) else (low, middle)
        colour = Lch(colour.lightness, low, colour.hue)
    channels = (round(min(1.0, max(0.0, _gamma(channel))) * 255) for channel in _linear_rgb(colour))
    red, green, blue = channels
    return hex_colour((red, green, blue))


def lightened(colour: str, background: str, ratio: float) -> str:
    """``colour`` made just light enough for ``ratio`` against a dark ``background``, its hue and
    chroma kept; a colour lighter than the background that already passes stays as it is."""
    if contrast_ratio(colour, background) >= ratio and luminance(rgb(colour)) > luminance(rgb(background)):
        return colour
    start = oklch(colour)
    # The lowest lightness that passes: contrast grows with lightness at a fixed hue and chroma.
    low, high = start.lightness, 1.0
    for _ in range(24):
        middle = (low + high) / 2
        passes = contrast_ratio(from_oklch(Lch(middle, start.chroma, start.hue)), background) >= ratio
        low, high = (low, middle) if passes else (middle, high)
    found = from_oklch(Lch(high, start.chroma, start.hue))
    # Rounding to whole channels may cost a hair of contrast: step up until the hex itself passes.
    lightness = high
    while contrast_ratio(found, background) < ratio and lightness < 1:
        lightness = min(1.0, lightness + 0.002)
        found = from_oklch(Lch(lightness, start.chroma, start.hue))
    return found


def readable_on(background: str, candidates: tuple[str, ...]) -> str:
    """Of ``candidates`` (text colours), the one with the most contrast on ``background``."""
    return max(candidates, key=lambda candidate: contrast_ratio(candidate, background))


@dataclass(frozen=True)
class DarkPalette:
    """The colours of dark mode, each #rrggbb: the email's @media and Outlook.com rules, the archive's."""

    background: str
    paper: str
    text: str
    muted: str
    divider: str
    accent: str  # links; also the buttons' background
    button_text: str
    bar: str  # the masthead's rule and the quote bar


def dark_palette(colours: Colours) -> DarkPalette:
    """Dark mode in the publication's colours: its accent and muted hues on neutral dark surfaces."""
    return _dark_palette(colours.accent, colours.muted)


@lru_cache(maxsize=64)  # one publication's palette, asked for by each of its issues (an archive: thousands)
def _dark_palette(accent_colour: str, muted_colour: str) -> DarkPalette:
    # A grey accent has no hue to tell its links from the muted texts: as in light mode, where a
    # near-black accent looks like the text, its links are as light as the text.
    is_grey = oklch(accent_colour).chroma < GREY_CHROMA
    accent = lightened(accent_colour, DARK_PAPER, contrast_ratio(DARK_TEXT, DARK_PAPER) if is_grey else TEXT_CONTRAST)
    # The publication's muted grey (warm or cool) at a lightness between the body text's and the
    # card's: quieter than the text, still well above 4.5:1.
    muted = oklch(muted_colour)
    muted_grey = from_oklch(Lch(DARK_MUTED_LIGHTNESS, min(muted.chroma, DARK_MUTED_CHROMA), muted.hue))
    return DarkPalette(
        background=DARK_BACKGROUND,
        paper=DARK_PAPER,
        text=DARK_TEXT,
        muted=lightened(muted_grey, DARK_PAPER, TEXT_CONTRAST),
        divider=DARK_DIVIDER,
        accent=accent,
        # A light button: dark text passes on it (it passes on the card, darker still is better).
        button_text=readable_on(accent, (DARK_BACKGROUND, "#ffffff")),
        bar=lightened(accent_colour, DARK_PAPER, GRAPHIC_CONTRAST),
    )
