"""Reading PDFs back in tests: text (NFC), text with positions, embedded fonts."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

from fontTools.ttLib import TTFont
from pypdf import PdfReader

MM = 72 / 25.4


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, NFC-normalised (extractors may hand back decomposed diacritics)."""
    return [unicodedata.normalize("NFC", page.extract_text()) for page in reader(pdf).pages]


def text(pdf: bytes) -> str:
    return "\n".join(page_texts(pdf))


def flat(value: str) -> str:
    """Whitespace (line breaks included) collapsed to single spaces."""
    return re.sub(r"\s+", " ", value).strip()


@dataclass(frozen=True)
class Run:
    x: float
    y: float
    text: str


def runs(pdf: bytes, page_index: int) -> tuple[list[Run], float, float]:
    """Text runs of a page with their position in points (origin bottom left), and the page's size."""
    page = reader(pdf).pages[page_index]
    found: list[Run] = []

    def visit(value, cm, tm, font_dict, font_size):
        if value.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append(Run(x, y, unicodedata.normalize("NFC", value.strip())))

    page.extract_text(visitor_text=visit)
    return found, float(page.mediabox.width), float(page.mediabox.height)


@dataclass(frozen=True)
class EmbeddedFont:
    base_font: str
    subtype: str
    descendant_subtype: str
    has_font_file2: bool
    postscript_name: str
    version: str


def embedded_fonts(pdf: bytes) -> list[EmbeddedFont]:
    """Every font the pages use, with what the embedded font program says about itself."""
    fonts: dict = {}
    for page in reader(pdf).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            key = ref.idnum if hasattr(ref, "idnum") else id(font)
            if key in fonts:
                continue
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            program = descriptor.get("/FontFile2")
            postscript, version = "", ""
            if program is not None:
                names = TTFont(io.BytesIO(program.get_object().get_data()))["name"]
                postscript = str(names.getDebugName(6) or "")
                version = str(names.getDebugName(5) or "")
            fonts[key] = EmbeddedFont(
                base_font=str(font["/BaseFont"]), subtype=str(font["/Subtype"]),
                descendant_subtype=str(descendant["/Subtype"]), has_font_file2=program is not None,
                postscript_name=postscript, version=version,
            )
    return list(fonts.values())


def image_count(pdf: bytes) -> int:
    count = 0
    for page in reader(pdf).pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        count += sum(1 for ref in xobjects.values() if ref.get_object().get("/Subtype") == "/Image")
    return count
