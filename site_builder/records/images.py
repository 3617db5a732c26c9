"""Case images: allowed formats, no metadata, paths inside the case's folder, consent that covers them;
and the copies the site publishes, re-encoded from the pixels alone so that no metadata goes out."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from site_builder.records.load import CaseFile, format_field
from site_builder.records.model import Figure, Problem, Severity

ALLOWED_FORMATS = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",), "WEBP": (".webp",)}
MAX_BYTES = 10 * 1024 * 1024
SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # http:, file:, data:, and Windows drives (C:)
# A caption that mentions these marks the image as one that can identify the patient.
IDENTIFYING_RE = re.compile(r"\b(?:faces?|facial|full[- ]face|eyes?|portrait|tattoo\w*)\b", re.I)
FILE_DATE_RE = re.compile(
    r"(?<!\d)(?:(?:19|20)\d{2}[-_.]?(?:0[1-9]|1[0-2])[-_.]?(?:0[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])[-_.](?:0?[1-9]|1[0-2])[-_.](?:19|20)?\d{2})(?!\d)"
)


@dataclass(frozen=True)
class CaseImage:
    """One figure's image file, checked to lie inside its case's folder."""

    file: Path
    docs_path: str  # where the site publishes it: cases/<id>/<path inside the folder>


def case_folder(loaded: CaseFile, root: Path) -> Path:
    """The folder a case's images live in: cases/<id>/ beside cases/<id>.yaml (root is the project root)."""
    return (root / loaded.display).parent.resolve() / loaded.case.id


def image_docs_path(case_id: str, image: str) -> str:
    """Where the site publishes a figure's image, as a docs path: cases/<id>/<image>, beside the case's page."""
    return f"cases/{case_id}/{PurePosixPath(image).as_posix()}"


def _capitalised_words(text: str) -> list[str]:
    words, current = [], ""
    for ch in text + " ":
        if ch.islower() and current:
            current += ch
            continue
        if len(current) > 1:
            words.append(current)
        current = ch if ch.isupper() else ""
    return words


def _name_problems(image: str) -> list[str]:
    problems = []
    parts = PurePosixPath(image).parts
    for i, part in enumerate(parts):
        stem = PurePosixPath(part).stem if i == len(parts) - 1 else part
        if date := FILE_DATE_RE.search(stem):
            problems.append(f"file name '{part}' contains what looks like a date ('{date.group()}'); name files by what they show, such as 'figure-1a.jpg'")
        for word in _capitalised_words(stem):
            problems.append(f"file name '{part}' has the capitalised word '{word}', which may be a name; use lowercase names such as 'figure-1a.jpg'")
    return problems


def resolve_image(loaded: CaseFile, root: Path, image: str) -> tuple[CaseImage | None, list[str]]:
    """The file behind a figure's image path, or the reasons it is refused (outside the folder, missing, badly named)."""
    folder = case_folder(loaded, root)
    shown = f"{PurePosixPath(loaded.display).parent.as_posix()}/{loaded.case.id}/"
    if "\\" in image:
        return None, [f"'{image}': write paths with '/', relative to {shown}"]
    if SCHEME_RE.match(image) or image.startswith("/"):
        return None, [f"'{image}' is not a path inside {shown}: images are files in the case's own folder, never links or absolute paths"]
    relative = PurePosixPath(image)
    if ".." in relative.parts:
        return None, [f"'{image}' leaves the case's folder ('..'); images stay inside {shown}"]
    file = (folder / relative).resolve()
    if not file.is_relative_to(folder):
        return None, [f"'{image}' resolves outside {shown} (a link out of the case's folder)"]
    if not file.is_file():
        return None, [f"image file not found: {shown}{relative.as_posix()}"]
    return CaseImage(file, image_docs_path(loaded.case.id, image)), _name_problems(image)


def _metadata(im: Image.Image) -> list[str]:
    found = []
    exif = im.getexif()
    if exif:
        found.append("EXIF with a GPS position" if ExifTags.IFD.GPSInfo in exif else "EXIF")
    text = dict(getattr(im, "text", {}) or {})
    if im.info.get("xmp") or text.pop("XML:com.adobe.xmp", None):
        found.append("XMP")
    if im.info.get("comment"):
        found.append("a comment")
    if "photoshop" in im.info or "iptc" in im.info:
        found.append("IPTC")
    if text:
        found.append(f"text fields ({', '.join(sorted(text))})")
    return found


def _open(data: bytes) -> Image.Image:
    """Open and decode an image; raises ValueError with a readable reason when it cannot be."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
            im.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValueError("the image has too many pixels to publish") from None
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValueError(f"not a readable image ({exc})") from None
    return im


def _file_problems(image: CaseImage, name: str) -> list[str]:
    size = image.file.stat().st_size
    if size > MAX_BYTES:
        return [f"'{name}' is {size} bytes; the limit is {MAX_BYTES} bytes"]
    try:
        im = _open(image.file.read_bytes())
    except ValueError as exc:
        return [f"'{name}': {exc}"]
    with im:
        if im.format not in ALLOWED_FORMATS:
            return [f"'{name}' is a {im.format} image; allowed formats are JPEG, PNG and WebP"]
        problems = []
        if image.file.suffix.lower() not in ALLOWED_FORMATS[im.format]:
            problems.append(f"'{name}' is {im.format} data but its name ends in '{image.file.suffix}'; use {' or '.join(ALLOWED_FORMATS[im.format])}")
        if getattr(im, "n_frames", 1) > 1:
            problems.append(f"'{name}' is animated; publish a still image")
        if found := _metadata(im):
            problems.append(
                f"'{name}' carries metadata ({', '.join(found)}); remove it before committing "
                f"(for example 'exiftool -all= {name}'): the repository copy is public too"
            )
    return problems


def _consent_problems(figure: Figure) -> list[tuple[str, str]]:
    """(consent field, message) for an image whose consent does not cover publishing it."""
    consent = figure.consent
    if consent is None:  # the model already refuses an image without consent
        return []
    problems = []
    if not consent.covers_internet_publication:
        problems.append(("covers_internet_publication", "the consent does not cover publication on the internet, so this image cannot be published"))
    mention = IDENTIFYING_RE.search(f"{figure.label} {figure.caption}")
    if mention and not consent.identifiable:
        problems.append((
            "identifiable",
            f"the caption mentions '{mention.group()}', so the image can identify the patient: "
            "it needs consent for identifiable images (consent.identifiable: true)",
        ))
    return problems


def check_images(loaded: CaseFile, root: Path) -> list[Problem]:
    """Problems with a case's images: path, file name, format, metadata and consent."""

    def problem(path: tuple[str | int, ...], message: str) -> Problem:
        return Problem(loaded.display, *loaded.located.position(path), Severity.error, format_field(path), message)

    problems = []
    for index, figure in enumerate(loaded.case.figures):
        if figure.image is None:
            continue
        image, messages = resolve_image(loaded, root, figure.image)
        if image is not None:
            messages += _file_problems(image, figure.image)
        problems += [problem(("figures", index, "image"), message) for message in messages]
        problems += [problem(("figures", index, "consent", name), message) for name, message in _consent_problems(figure)]
    return problems


def strip_metadata(data: bytes) -> bytes:
    """The image re-encoded from its pixels alone (turned upright first): no EXIF, GPS, XMP, IPTC or comments.

    The ICC colour profile is kept, so colours look the same; it describes the screen, not the patient.
    """
    with _open(data) as im:
        fmt = im.format or "PNG"
        icc = im.info.get("icc_profile")
        upright = ImageOps.exif_transpose(im)
    if upright.mode == "P":
        upright = upright.convert("RGBA" if "transparency" in upright.info else "RGB")
    clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    options: dict[str, object] = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        options["quality"] = 95
    elif fmt == "WEBP":
        options["quality"] = 90
    out = io.BytesIO()
    clean.save(out, fmt, **options)
    return out.getvalue()


def published_images(loaded: CaseFile, root: Path) -> dict[str, bytes]:
    """The metadata-free copies of a case's images, keyed by docs path (cases/<id>/<file>); none for a withdrawn case.

    Only images that pass check_images are included; a project with image errors does not build anyway.
    """
    if loaded.case.withdrawn is not None:
        return {}
    published = {}
    for figure in loaded.case.figures:
        if figure.image is None:
            continue
        image, messages = resolve_image(loaded, root, figure.image)
        if image is None or messages or _file_problems(image, figure.image):
            continue
        published[image.docs_path] = strip_metadata(image.file.read_bytes())
    return published
