"""A picture's size read from its first bytes (commands/links/pixels.py), for files made by a real
encoder: Chromium's canvas writes PNG, JPEG and WebP (lossy, lossless, extended); GIF's header is
written here. Never more than the first bytes: a file cut short says nothing rather than a wrong size."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import pytest

from composer.commands.links.pixels import HEAD_BYTES, pixel_size
from tests.links.fake_web import jpeg, png, with_orientation

if TYPE_CHECKING:
    from playwright.sync_api import Browser

WIDTH, HEIGHT = 301, 157  # odd and unequal: a swapped or off-by-one size shows

DRAW = """([kind, quality, width, height]) => {
    const canvas = document.createElement("canvas");
    canvas.width = width; canvas.height = height;
    const context = canvas.getContext("2d");
    context.fillStyle = "rgba(200, 40, 40, 0.6)";
    context.fillRect(10, 10, 120, 80);
    return canvas.toDataURL(kind, quality);
}"""


@pytest.fixture(scope="module")
def encoded(browser: Browser) -> dict[str, bytes]:
    """Files of WIDTH x HEIGHT pixels as Chromium encodes them, by format."""
    page = browser.new_page()
    try:
        files = {
            name: base64.b64decode(page.evaluate(DRAW, [kind, quality, WIDTH, HEIGHT]).split(",", 1)[1])
            for name, kind, quality in (
                ("png", "image/png", None),
                ("jpeg", "image/jpeg", 0.8),
                ("webp-extended", "image/webp", 0.8),
                ("webp-extended-lossless", "image/webp", 1.0),
            )
        }
    finally:
        page.close()
    # The same bitstreams in WebP's simple forms: the lossy (VP8) or lossless (VP8L) chunk alone.
    for name, chunk in (("webp-lossy", b"VP8 "), ("webp-lossless", b"VP8L")):
        for source in (files["webp-extended"], files["webp-extended-lossless"]):
            start = source.find(chunk)
            if start > 0:
                size = int.from_bytes(source[start + 4 : start + 8], "little")
                body = source[start : start + 8 + size + size % 2]
                files[name] = b"RIFF" + (4 + len(body)).to_bytes(4, "little") + b"WEBP" + body
    return files


@pytest.mark.parametrize("name", ["png", "jpeg", "webp-extended", "webp-extended-lossless", "webp-lossy"])
def test_the_size_of_a_picture_a_browser_encoded(encoded: dict[str, bytes], name: str) -> None:
    assert pixel_size(encoded[name]) == (WIDTH, HEIGHT)


def test_the_size_of_a_lossless_webp(encoded: dict[str, bytes]) -> None:
    if "webp-lossless" not in encoded:
        pytest.skip("this Chromium wrote no lossless WebP")
    assert pixel_size(encoded["webp-lossless"]) == (WIDTH, HEIGHT)


def test_gif_and_the_segments_before_a_jpeg_frame() -> None:
    gif = b"GIF89a" + WIDTH.to_bytes(2, "little") + HEIGHT.to_bytes(2, "little") + b"\x80\0\0"
    assert pixel_size(gif) == (WIDTH, HEIGHT)
    assert pixel_size(jpeg(4000, 3000)) == (4000, 3000)  # after JFIF's segment and a comment
    assert pixel_size(png(1, 2000)) == (1, 2000)


def test_a_file_cut_short_or_of_another_kind_has_no_size(encoded: dict[str, bytes]) -> None:
    for data in encoded.values():
        assert pixel_size(data[:9]) is None
    assert pixel_size(jpeg(4000, 3000)[:300]) is None  # the frame's size comes after the comment
    assert pixel_size(b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>') is None
    assert pixel_size(b"<!doctype html><title>Not a picture</title>") is None
    assert pixel_size(b"\xff\xd8" + b"\0" * HEAD_BYTES) is None  # damaged: no segment where one must be


NATURAL_SIZE = """async (source) => {
    const picture = new Image();
    picture.src = source;
    await picture.decode();
    return [picture.naturalWidth, picture.naturalHeight];
}"""


def test_a_photo_stored_on_its_side_is_measured_as_the_browser_shows_it(
    encoded: dict[str, bytes], browser: Browser
) -> None:
    # A phone stores a portrait photo as a landscape one, with an EXIF orientation that turns it upright.
    page = browser.new_page()
    try:
        for order in ("big", "little"):
            for orientation in range(1, 9):
                picture = with_orientation(encoded["jpeg"], orientation, order)
                source = "data:image/jpeg;base64," + base64.b64encode(picture).decode()
                shown = tuple(page.evaluate(NATURAL_SIZE, source))
                assert pixel_size(picture) == shown, (order, orientation)
                turned = orientation >= 5
                assert shown == ((HEIGHT, WIDTH) if turned else (WIDTH, HEIGHT)), (order, orientation)
    finally:
        page.close()


def test_exif_that_is_cut_short_or_odd_leaves_the_size_as_stored() -> None:
    turned = with_orientation(jpeg(4000, 3000), 6)
    assert pixel_size(turned) == (3000, 4000)
    start = turned.index(b"Exif")
    for damaged in (
        turned.replace(b"MM\0*", b"XX\0*", 1),  # no byte order
        turned[: start + 6] + b"MM\0*" + (9999).to_bytes(4, "big") + turned[start + 14 :],  # a folder past the end
        turned.replace(
            (0x0112).to_bytes(2, "big") + (3).to_bytes(2, "big"),
            (0x0112).to_bytes(2, "big") + (4).to_bytes(2, "big"),
            1,
        ),  # not a short
        with_orientation(jpeg(4000, 3000), 9),  # no such orientation
    ):
        assert pixel_size(damaged) == (4000, 3000)
    assert pixel_size(turned[: start + 20]) is None  # cut inside the EXIF segment: no frame, no size
