"""Uploaded images (room photos, organisation logos): checked with Pillow before anything is
decoded, then stored re-encoded, which bounds their size and drops their metadata (EXIF location,
camera, text chunks). Callers turn ``ImageRefused.reason`` into their own French message."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

# A decompression-bomb guard well under Pillow's own (about 89 megapixels warns, 179 refuses):
# a file of a few kilobytes may declare 100 megapixels, which would take 400 MB once decoded.
MAX_PIXELS = 40_000_000
FORMATS = frozenset({"JPEG", "PNG", "WEBP"})


class ImageRefused(Exception):  # noqa: N818 - reads as « the image was refused »
    NOT_AN_IMAGE = "not-an-image"
    FORMAT = "format"
    TOO_LARGE = "too-large"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def open_checked(upload, *, formats=FORMATS, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """The decoded image, once Pillow verified the file and its format and the size it declares
    is within ``max_pixels`` (read from the header: the pixels are decoded only after that)."""
    try:
        with warnings.catch_warnings():  # Pillow warns past 89 megapixels: refused below anyway
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            upload.seek(0)
            Image.open(upload).verify()
            upload.seek(0)
            image = Image.open(upload)
    except Image.DecompressionBombError as exc:  # over Pillow's own limit, raised on opening
        raise ImageRefused(ImageRefused.TOO_LARGE) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageRefused(ImageRefused.NOT_AN_IMAGE) from exc
    if image.format not in formats:
        raise ImageRefused(ImageRefused.FORMAT)
    if image.width * image.height > max_pixels:
        raise ImageRefused(ImageRefused.TOO_LARGE)
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageRefused(ImageRefused.NOT_AN_IMAGE) from exc
    return image


def reencode(image: Image.Image, size: tuple[int, int], *, fmt: str = "JPEG", fit: bool = False) -> bytes:
    """``image`` turned upright (EXIF orientation), shrunk to fit ``size`` (or cropped to it with
    ``fit``), saved afresh as JPEG or PNG: nothing of the original file's metadata is kept."""
    image = ImageOps.exif_transpose(image)
    if fmt == "PNG" and image.has_transparency_data:
        image = image.convert("RGBA")  # a logo keeps its transparent background
    else:
        image = image.convert("RGB")
    if fit:
        image = ImageOps.fit(image, size)
    else:
        image.thumbnail(size)
    out = io.BytesIO()
    image.save(out, fmt, optimize=True, **({"quality": 82} if fmt == "JPEG" else {}))
    return out.getvalue()
