"""A picture's size in pixels, read from the first bytes of its file: PNG, GIF, JPEG and WebP say it
in their headers, so `compose check --links` never downloads a whole picture to learn it. A JPEG is
measured as it is shown: a phone's photo stored on its side, with an EXIF orientation that turns
it upright (5 to 8), is as wide as it is stored high, in browsers and mail apps alike."""

from __future__ import annotations

from typing import Literal

HEAD_BYTES = 256 * 1024  # read at most this much for the size: a JPEG's size comes after its EXIF data,
# which a camera's thumbnail makes up to 64 KB; PNG, GIF and WebP say it in their first 30 bytes

_JPEG_SIZE_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # start of frame; not tables
_JPEG_LONE_MARKERS = frozenset({0x01, *range(0xD0, 0xDA)})  # no length follows them


def pixel_size(head: bytes) -> tuple[int, int] | None:
    """(width, height) of the picture whose file starts with ``head``, or None: another format
    (SVG, AVIF), or too few bytes."""
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24 and head[12:16] == b"IHDR":
        return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
        return int.from_bytes(head[6:8], "little"), int.from_bytes(head[8:10], "little")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _webp(head)
    if head.startswith(b"\xff\xd8"):
        return _jpeg(head)
    return None


def is_picture_format(head: bytes) -> bool:
    """Whether ``head`` starts a file of a format pixel_size reads (enough bytes or not)."""
    return head.startswith((b"\x89PNG", b"GIF8", b"\xff\xd8")) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def _webp(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8 " and len(head) >= 30:  # lossy: 14 bits each, after the frame's start code
        width = int.from_bytes(head[26:28], "little") & 0x3FFF
        height = int.from_bytes(head[28:30], "little") & 0x3FFF
        return width, height
    if chunk == b"VP8L" and len(head) >= 25:  # lossless: 14 bits each, minus one, packed after 0x2f
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(head) >= 30:  # extended: the canvas, 24 bits each, minus one
        return int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1
    return None


def _jpeg(head: bytes) -> tuple[int, int] | None:
    """The size in the first start-of-frame segment, walking the segments' lengths from the start,
    turned a quarter when an EXIF segment before it says the picture is shown turned."""
    index = 2
    turned = False
    while index + 4 <= len(head):
        if head[index] != 0xFF:
            return None  # not a segment: a damaged file
        marker = head[index + 1]
        if marker == 0xFF:  # a fill byte before the marker
            index += 1
            continue
        if marker in _JPEG_LONE_MARKERS:
            index += 2
            continue
        if marker in _JPEG_SIZE_MARKERS:
            if index + 9 > len(head):
                return None
            height = int.from_bytes(head[index + 5 : index + 7], "big")
            width = int.from_bytes(head[index + 7 : index + 9], "big")
            return (height, width) if turned else (width, height)
        length = int.from_bytes(head[index + 2 : index + 4], "big")
        if marker == _JPEG_APP1 and not turned:
            turned = _exif_orientation(head[index + 4 : index + 2 + length]) in _TURNED
        index += 2 + length
    return None


_JPEG_APP1 = 0xE1  # where EXIF lives
_ORIENTATION_TAG = 0x0112
_TURNED = frozenset({5, 6, 7, 8})  # transposed, turned 90° clockwise, transversed, turned 90° back
_MAX_EXIF_ENTRIES = 512  # the first folder of tags; a camera writes a dozen or two


def _exif_orientation(segment: bytes) -> int:
    """The orientation (1 to 8) an APP1 segment's EXIF data gives its picture; 1 (as stored) when it
    gives none, or the data is not EXIF or is cut short. EXIF is a small TIFF file: a byte order,
    then the first folder of tags, 12 bytes each; the orientation is a 16-bit number."""
    if not segment.startswith(b"Exif\0\0"):
        return 1
    tiff = segment[6:]
    order: Literal["little", "big"]
    if tiff[:4] == b"II*\0":
        order = "little"
    elif tiff[:4] == b"MM\0*":
        order = "big"
    else:
        return 1
    folder = int.from_bytes(tiff[4:8], order)
    if folder + 2 > len(tiff):
        return 1
    for number in range(min(int.from_bytes(tiff[folder : folder + 2], order), _MAX_EXIF_ENTRIES)):
        entry = tiff[folder + 2 + 12 * number : folder + 14 + 12 * number]
        if len(entry) < 12:
            return 1
        if int.from_bytes(entry[0:2], order) == _ORIENTATION_TAG:
            value = int.from_bytes(entry[8:10], order) if int.from_bytes(entry[2:4], order) == 3 else 1
            return value if 1 <= value <= 8 else 1
    return 1
