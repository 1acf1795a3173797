"""A picture's size read from its first bytes (commands/links/pixels.py), for files made by a real
encoder: Chromium's canvas writes PNG, JPEG and WebP (lossy, lossless, extended); GIF's header is
written here. Never more than the first bytes: a file cut short says nothing rather than a wrong size."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import pytest

from composer.commands.links.pixels import HEAD_BYTES, pixel_size
from tests.links.fake_web import jpeg, png

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
