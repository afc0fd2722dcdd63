"""A logo is checked before it is decoded (a decompression bomb is refused in French) and stored
re-encoded: PNG, 512 px at most on its longest side, without the metadata of the file sent."""

import io
import struct
import time
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from maillon.accounts.roles import Role
from maillon.core import images

URL = "/essais/admin/organisation/"
FORM = {"name": "Centre social des Essais", "address": "", "siret": "", "primary_colour": "#1d4f91", "accent_colour": "#b8336a"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of width × height black pixels, a few kilobytes, built row by row so the
    test never holds the decoded image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" * (1 + (width + 7) // 8)  # filter byte, then the bits of one row
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def upload(data: bytes, name="logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_a_100_megapixel_logo_is_refused_in_french_without_being_decoded(people, login):
    bomb = png_bomb(10_000, 10_000)
    assert len(bomb) < 100_000  # under the 1 MB limit: only the pixel cap stops it
    client = login(people.with_role(Role.ADMIN))
    started = time.perf_counter()
    response = client.post(URL, {**FORM, "logo": upload(bomb)})
    assert time.perf_counter() - started < 5
    assert response.status_code == 200
    assert "Le logo est trop grand : 40 mégapixels au plus." in response.content.decode()
    people.org.refresh_from_db()
    assert not people.org.logo


def test_a_file_past_pillows_own_bomb_limit_is_too_large_not_broken():
    with pytest.raises(images.ImageRefused) as refused:
        images.open_checked(io.BytesIO(png_bomb(15_000, 15_000)))  # 225 megapixels
    assert refused.value.reason == images.ImageRefused.TOO_LARGE


def test_a_large_logo_is_stored_as_a_512_px_png_without_its_metadata_and_cached_by_browsers(people, login):
    source = io.BytesIO()
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Jeanne Exemple, 12 rue des Lilas")
    Image.new("RGBA", (2000, 1000), (29, 79, 145, 128)).save(source, "PNG", pnginfo=text)
    client = login(people.with_role(Role.ADMIN))
    assert client.post(URL, {**FORM, "logo": upload(source.getvalue())}).status_code == 302
    people.org.refresh_from_db()
    assert people.org.logo.name.startswith("logos/") and people.org.logo.name.endswith(".png")
    served = client.get(people.org.logo.url)
    assert served["Cache-Control"] == "public, max-age=86400"
    stored = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert (stored.format, stored.size, stored.mode) == ("PNG", (512, 256), "RGBA")  # transparency kept
    assert "Author" not in stored.info and "exif" not in stored.info


def test_a_photo_with_its_location_becomes_a_logo_without_it(people, login):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPSInfo
    source = io.BytesIO()
    Image.new("RGB", (800, 600), "#b8336a").save(source, "JPEG", exif=exif)
    client = login(people.with_role(Role.ADMIN))
    assert client.post(URL, {**FORM, "logo": upload(source.getvalue(), "photo.jpg")}).status_code == 302
    people.org.refresh_from_db()
    with people.org.logo.open("rb") as stored_file:
        stored = Image.open(io.BytesIO(stored_file.read()))
    assert (stored.format, stored.size) == ("PNG", (512, 384))
    assert not stored.getexif()
