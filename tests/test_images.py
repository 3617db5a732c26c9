"""Case images: formats, metadata, paths, file names and consent are checked, and the published copy has no metadata."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import ExifTags, Image, PngImagePlugin

from conftest import problems_of, run_cli
from site_builder.records.images import published_images, strip_metadata
from site_builder.records.load import load_case
from test_validate import CASE

FOLDER = "cases/sample-case"


def image_bytes(fmt: str = "JPEG", *, size: tuple[int, int] = (8, 6), gps: bool = False, orientation: int = 0, **options) -> bytes:
    """A small generated image; with gps=True it carries a camera EXIF block with a GPS position."""
    im = Image.new("RGB", size, (180, 120, 90))
    im.putpixel((0, 0), (255, 0, 0))
    if gps or orientation:
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "ExampleCam"
        if orientation:
            exif[ExifTags.Base.Orientation] = orientation
        if gps:
            position = exif.get_ifd(ExifTags.IFD.GPSInfo)
            position[ExifTags.GPS.GPSLatitudeRef] = "N"
            position[ExifTags.GPS.GPSLatitude] = (50.0, 3.0, 42.0)
        options["exif"] = exif
    out = io.BytesIO()
    im.save(out, fmt, **options)
    return out.getvalue()


def add_figure(root: Path, image: str = "figure-1a.jpg", data: bytes | None = None, *, caption: str = "The treated hand after two weeks.",
               covers: bool = True, identifiable: bool = False) -> None:
    """Give the sample case a figure with an image (written into the case's folder unless data is None)."""
    text = (root / CASE).read_text(encoding="utf-8")
    text += (
        f"figures:\n  - label: Figure 1A\n    caption: {caption}\n    image: {json.dumps(image)}\n    consent:\n"
        f"      held_by: the authors of the sample publication\n      covers_internet_publication: {str(covers).lower()}\n"
        f"      identifiable: {str(identifiable).lower()}\n"
    )
    (root / CASE).write_text(text, encoding="utf-8")
    if data is not None:
        target = root / FOLDER / image
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def errors_of(root: Path) -> list[dict[str, str]]:
    result = run_cli("validate", str(root))
    assert "Traceback" not in result.output
    errors = [p for p in problems_of(result.stdout) if p["severity"] == "error"]
    assert (result.exit_code == 1) == bool(errors)
    return errors


def messages(root: Path, field: str = "figures[0].image") -> list[str]:
    errors = errors_of(root)
    assert {e["field"] for e in errors} <= {field}, errors
    return [e["message"] for e in errors]


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "figure-1a.jpg"), ("PNG", "figure-1a.png"), ("WEBP", "figure-1a.webp"), ("JPEG", "panels/figure-1a.jpeg")])
def test_clean_image_in_an_allowed_format_passes(sample, fmt: str, name: str) -> None:
    root = sample()
    add_figure(root, name, image_bytes(fmt))
    assert errors_of(root) == []


@pytest.mark.parametrize(("fmt", "name"), [("GIF", "figure-1a.gif"), ("BMP", "figure-1a.bmp"), ("TIFF", "figure-1a.tiff")])
def test_other_formats_fail(sample, fmt: str, name: str) -> None:
    root = sample()
    add_figure(root, name, image_bytes(fmt))
    [message] = messages(root)
    assert f"is a {fmt} image; allowed formats are JPEG, PNG and WebP" in message


def test_name_must_match_the_format(sample) -> None:
    root = sample()
    add_figure(root, "figure-1a.jpg", image_bytes("PNG"))
    [message] = messages(root)
    assert "is PNG data but its name ends in '.jpg'" in message


def test_file_that_is_not_an_image_fails(sample) -> None:
    root = sample()
    add_figure(root, "figure-1a.jpg", b"not an image at all")
    [message] = messages(root)
    assert "not a readable image" in message


def test_image_with_too_many_pixels_fails(sample, monkeypatch) -> None:
    root = sample()
    add_figure(root, "figure-1a.png", image_bytes("PNG", size=(40, 40)))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    [message] = messages(root)
    assert "too many pixels" in message


def test_exif_with_gps_fails_naming_it(sample) -> None:
    root = sample()
    add_figure(root, "figure-1a.jpg", image_bytes("JPEG", gps=True))
    [message] = messages(root)
    assert "EXIF with a GPS position" in message and "remove it before committing" in message


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (image_bytes("JPEG", orientation=6), "EXIF"),
        (image_bytes("JPEG", comment=b"ward 3"), "a comment"),
        (image_bytes("WEBP", gps=True), "EXIF with a GPS position"),
    ],
    ids=["exif", "comment", "webp-gps"],
)
def test_other_metadata_fails(sample, data: bytes, kind: str) -> None:
    root = sample()
    add_figure(root, "figure-1a.jpg" if data[:2] == b"\xff\xd8" else "figure-1a.webp", data)
    [message] = messages(root)
    assert f"carries metadata ({kind})" in message


def test_png_text_fields_fail(sample) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "someone")
    root = sample()
    add_figure(root, "figure-1a.png", image_bytes("PNG", pnginfo=info))
    [message] = messages(root)
    assert "text fields (Author)" in message


def test_published_copy_has_no_metadata_and_is_upright() -> None:
    data = image_bytes("JPEG", gps=True, orientation=6, comment=b"ward 3")
    clean = Image.open(io.BytesIO(strip_metadata(data)))
    clean.load()
    assert clean.format == "JPEG"
    assert dict(clean.getexif()) == {} and "comment" not in clean.info and "xmp" not in clean.info
    assert clean.size == (6, 8), "turned upright as the EXIF orientation said, since that tag is gone"


def test_published_png_keeps_its_pixels_without_text_fields() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "someone")
    clean = Image.open(io.BytesIO(strip_metadata(image_bytes("PNG", pnginfo=info))))
    clean.load()
    assert clean.format == "PNG" and not clean.text
    assert clean.size == (8, 6) and clean.getpixel((0, 0)) == (255, 0, 0)


def test_published_webp_has_no_exif() -> None:
    clean = Image.open(io.BytesIO(strip_metadata(image_bytes("WEBP", gps=True))))
    clean.load()
    assert clean.format == "WEBP" and dict(clean.getexif()) == {} and clean.size == (8, 6)


def test_published_images_map_docs_paths_to_re_encoded_bytes(sample) -> None:
    root = sample()
    add_figure(root, "panels/figure-1a.jpg", image_bytes("JPEG"))
    loaded, _ = load_case(root / CASE, CASE)
    published = published_images(loaded, root)
    assert list(published) == ["cases/sample-case/panels/figure-1a.jpg"]
    clean = Image.open(io.BytesIO(published["cases/sample-case/panels/figure-1a.jpg"]))
    assert clean.format == "JPEG" and clean.size == (8, 6) and dict(clean.getexif()) == {}
    (root / FOLDER / "panels" / "figure-1a.jpg").write_bytes(image_bytes("JPEG", gps=True))
    assert published_images(loaded, root) == {}, "an image that fails the checks is never published"


def test_withdrawn_case_publishes_no_images(sample) -> None:
    root = sample()
    add_figure(root, "figure-1a.jpg", image_bytes("JPEG"))
    text = (root / CASE).read_text(encoding="utf-8")
    (root / CASE).write_text(text + 'withdrawn:\n  date: "2026-11"\n  reason: The source was retracted.\n', encoding="utf-8")
    loaded, problems = load_case(root / CASE, CASE)
    assert problems == []
    assert published_images(loaded, root) == {}


@pytest.mark.parametrize(
    ("image", "words"),
    [
        ("../other-case/figure-1a.jpg", "leaves the case's folder"),
        ("panels/../../figure-1a.jpg", "leaves the case's folder"),
        ("/etc/figure-1a.jpg", "never links or absolute paths"),
        ("https://example.org/figure-1a.jpg", "never links or absolute paths"),
        ("file:figure-1a.jpg", "never links or absolute paths"),
        ("C:/photos/figure-1a.jpg", "never links or absolute paths"),
        ("panels\\figure-1a.jpg", "write paths with '/'"),
        ("figure-9z.jpg", "image file not found: cases/sample-case/figure-9z.jpg"),
    ],
)
def test_image_path_must_stay_inside_the_case_folder(sample, image: str, words: str) -> None:
    root = sample()
    add_figure(root, image)
    (root / "cases" / "other-case").mkdir()
    (root / "cases" / "other-case" / "figure-1a.jpg").write_bytes(image_bytes("JPEG"))
    [message] = messages(root)
    assert words in message


def test_symlink_out_of_the_case_folder_fails_and_inside_passes(sample) -> None:
    root = sample()
    outside = root / "elsewhere.jpg"
    outside.write_bytes(image_bytes("JPEG"))
    add_figure(root, "figure-1a.jpg")
    (root / FOLDER).mkdir(parents=True)
    (root / FOLDER / "figure-1a.jpg").symlink_to(outside)
    [message] = messages(root)
    assert "resolves outside cases/sample-case/" in message
    (root / FOLDER / "figure-1a.jpg").unlink()
    (root / FOLDER / "original.jpg").write_bytes(image_bytes("JPEG"))
    (root / FOLDER / "figure-1a.jpg").symlink_to(root / FOLDER / "original.jpg")
    assert errors_of(root) == []


@pytest.mark.parametrize(
    ("image", "words"),
    [
        ("2024-03-12-hand.jpg", "looks like a date ('2024-03-12')"),
        ("IMG_20240312_1015.jpg", "looks like a date ('20240312')"),
        ("hand-12.03.2024.jpg", "looks like a date ('12.03.2024')"),
        ("Kowalska-before.jpg", "capitalised word 'Kowalska'"),
        ("Anna/figure-1a.jpg", "capitalised word 'Anna'"),
    ],
)
def test_file_names_must_not_hold_dates_or_names(sample, image: str, words: str) -> None:
    root = sample()
    add_figure(root, image, image_bytes("JPEG"))
    [message] = messages(root)
    assert words in message


@pytest.mark.parametrize("image", ["figure-1a.jpg", "figure_2b-day-12.jpg", "DSC_0001.jpg", "week-6/left-hand.jpg"])
def test_descriptive_file_names_pass(sample, image: str) -> None:
    root = sample()
    add_figure(root, image, image_bytes("JPEG"))
    assert errors_of(root) == []


def test_image_without_consent_fails(sample) -> None:
    root = sample()
    text = (root / CASE).read_text(encoding="utf-8")
    (root / CASE).write_text(text + "figures:\n  - label: Figure 1A\n    caption: The treated hand.\n    image: figure-1a.jpg\n", encoding="utf-8")
    [error] = errors_of(root)
    assert error["field"] == "figures[0]" and "an image needs a consent attestation" in error["message"]


def test_consent_must_cover_internet_publication(sample) -> None:
    root = sample()
    add_figure(root, "figure-1a.jpg", image_bytes("JPEG"), covers=False)
    [error] = errors_of(root)
    assert error["field"] == "figures[0].consent.covers_internet_publication"
    assert "does not cover publication on the internet" in error["message"]


@pytest.mark.parametrize("caption", ["Her face before treatment.", "The tattooed forearm.", "Both eyes and the upper cheeks."])
def test_identifying_image_needs_consent_for_identifiable_images(sample, caption: str) -> None:
    root = sample()
    add_figure(root, "figure-1a.jpg", image_bytes("JPEG"), caption=caption)
    [error] = errors_of(root)
    assert error["field"] == "figures[0].consent.identifiable"
    assert "can identify the patient" in error["message"]
    text = (root / CASE).read_text(encoding="utf-8").replace("identifiable: false", "identifiable: true")
    (root / CASE).write_text(text, encoding="utf-8")
    assert errors_of(root) == []
