"""The dark-mode palette derived from a publication's colours: the brand's hue, WCAG's contrast."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from composer.core.colours import (
    DARK_BACKGROUND,
    DARK_PAPER,
    DARK_TEXT,
    GRAPHIC_CONTRAST,
    TEXT_CONTRAST,
    contrast_ratio,
    dark_palette,
    from_oklch,
    oklch,
)
from composer.core.models import Colours

# The sample's red, a blue brand, a green and a purple: each keeps its hue in dark mode.
CHROMATIC = ["#a3262a", "#1a56db", "#0b6e4f", "#6b21a8", "#0000ff", "#e91e63"]
YELLOW, NEAR_BLACK, NEAR_WHITE = "#f5c400", "#111111", "#f4f4f4"
HUE_TOLERANCE = 3  # degrees: rounding to whole channels moves a vivid colour's hue by less


def hue_difference(one: float, other: float) -> float:
    return abs((one - other + 180) % 360 - 180)


def test_oklch_round_trips_and_knows_its_reference_colours() -> None:
    white, black, red = oklch("#ffffff"), oklch("#000000"), oklch("#ff0000")
    assert white.lightness == pytest.approx(1, abs=1e-4) and white.chroma == pytest.approx(0, abs=1e-4)
    assert black.lightness == pytest.approx(0, abs=1e-4)
    # Published values for sRGB red in OKLCH: 0.628, 0.258, 29.2°.
    assert (red.lightness, red.chroma, red.hue) == pytest.approx((0.628, 0.258, 29.23), abs=0.01)
    for colour in ["#a3262a", "#1a56db", "#f5c400", "#5f6368", "#00ffff"]:
        assert from_oklch(oklch(colour)) == colour


@pytest.mark.parametrize("accent", CHROMATIC)
def test_a_dark_accent_keeps_its_hue_and_chroma_and_becomes_readable_on_the_card(accent: str) -> None:
    dark = dark_palette(Colours(accent=accent))
    assert contrast_ratio(accent, DARK_PAPER) < TEXT_CONTRAST  # too dark as it is: the case at hand
    assert contrast_ratio(dark.accent, DARK_PAPER) >= TEXT_CONTRAST
    # Just light enough: the least lightening that passes, so the brand stays as deep as it can.
    assert contrast_ratio(dark.accent, DARK_PAPER) < TEXT_CONTRAST + 0.15
    before, after = oklch(accent), oklch(dark.accent)
    assert hue_difference(before.hue, after.hue) <= HUE_TOLERANCE, f"{accent} became {dark.accent}"
    assert after.lightness > before.lightness
    # As vivid as sRGB allows at the new lightness: a light blue cannot be as saturated as a deep one.
    assert after.chroma >= min(before.chroma, 0.2) * 0.9, f"{accent} lost its colour: {dark.accent}"


def test_the_samples_red_and_a_blue_brand_stay_red_and_blue() -> None:
    red, blue = dark_palette(Colours(accent="#a3262a")), dark_palette(Colours(accent="#1a56db"))
    assert (red.accent, blue.accent) == ("#db5c58", "#427fff")
    assert (red.bar, blue.bar) == ("#b93d3c", "#215ee4")


@pytest.mark.parametrize("accent", [*CHROMATIC, YELLOW, NEAR_BLACK, NEAR_WHITE])
def test_every_dark_colour_passes_its_threshold(accent: str) -> None:
    dark = dark_palette(Colours(accent=accent))
    for surface in (DARK_PAPER, DARK_BACKGROUND):  # links sit on the card and, in the footer, the page
        assert contrast_ratio(dark.accent, surface) >= TEXT_CONTRAST
        assert contrast_ratio(dark.muted, surface) >= TEXT_CONTRAST
    assert contrast_ratio(dark.button_text, dark.accent) >= TEXT_CONTRAST
    assert contrast_ratio(dark.accent, DARK_PAPER) >= GRAPHIC_CONTRAST  # the button stands out
    assert contrast_ratio(dark.bar, DARK_PAPER) >= GRAPHIC_CONTRAST


@pytest.mark.parametrize("accent", [YELLOW, NEAR_WHITE])
def test_a_light_accent_is_already_readable_and_stays_as_it_is(accent: str) -> None:
    dark = dark_palette(Colours(accent=accent))
    assert dark.accent == dark.bar == accent
    assert dark.button_text == DARK_BACKGROUND  # dark letters on a light button


@pytest.mark.parametrize("accent", [NEAR_BLACK, "#5f6368"])
def test_a_grey_accent_gives_links_as_light_as_the_text_not_dimmer_than_muted_texts(accent: str) -> None:
    # In light mode a near-black accent looks like the text, underlined: so it does in dark mode,
    # rather than a mid grey that would be quieter than the sources and notes beside it.
    dark = dark_palette(Colours(accent=accent))
    assert oklch(dark.accent).chroma < 0.03 and oklch(dark.bar).chroma < 0.03  # still a grey
    assert contrast_ratio(dark.accent, DARK_PAPER) >= contrast_ratio(DARK_TEXT, DARK_PAPER)
    assert contrast_ratio(dark.accent, DARK_PAPER) > contrast_ratio(dark.muted, DARK_PAPER)


@pytest.mark.parametrize("muted", ["#5f6368", "#666666", "#7a5c3e", "#2255aa", "#cccccc"])
def test_muted_text_stays_a_muted_grey_in_dark_mode(muted: str) -> None:
    dark = dark_palette(Colours(muted=muted))
    # Between the card and the body text: readable, and visibly quieter than the text.
    assert contrast_ratio(dark.muted, DARK_PAPER) >= TEXT_CONTRAST
    assert contrast_ratio(DARK_TEXT, DARK_PAPER) > contrast_ratio(dark.muted, DARK_PAPER)
    assert contrast_ratio(DARK_TEXT, dark.muted) >= 1.5
    assert oklch(dark.muted).chroma <= 0.035  # a grey (tinted at most), not a second link colour
    assert dark_palette(Colours(muted="#666666")).muted == "#b4b4b4"


@given(st.integers(0, 0xFFFFFF))
def test_any_accent_gets_a_dark_palette_that_passes(value: int) -> None:
    accent = f"#{value:06x}"
    dark = dark_palette(Colours(accent=accent))
    assert contrast_ratio(dark.accent, DARK_PAPER) >= TEXT_CONTRAST
    assert contrast_ratio(dark.bar, DARK_PAPER) >= GRAPHIC_CONTRAST
    assert contrast_ratio(dark.button_text, dark.accent) >= TEXT_CONTRAST
    if oklch(accent).chroma >= 0.08 and contrast_ratio(accent, DARK_PAPER) < TEXT_CONTRAST:
        assert hue_difference(oklch(dark.accent).hue, oklch(accent).hue) <= HUE_TOLERANCE, f"{accent} → {dark.accent}"
