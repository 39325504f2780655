"""Comparing a PDF's extracted text with the expected Vietnamese text, line by line."""

from __future__ import annotations

from tests.documents import pdf as pdfread

NBSP = "\u00a0"


def lines(pdf: bytes) -> list[str]:
    """The PDF's text lines, stripped, with non-breaking spaces as spaces (blank numbers and dates)."""
    return [line.replace(NBSP, " ").strip() for line in pdfread.text(pdf).splitlines() if line.strip()]


def assert_lines_in_order(actual: list[str], expected: list[str]) -> None:
    """Every expected line is a whole line of the document, in this order."""
    position = 0
    for line in expected:
        try:
            position = actual.index(line, position) + 1
        except ValueError:
            context = "\n".join(actual[max(0, position - 3):position + 12])
            raise AssertionError(f"missing line (in order): {line!r}\nafter:\n{context}") from None


def flat(pdf: bytes) -> str:
    return pdfread.flat(pdfread.text(pdf).replace(NBSP, " "))


def tight(value: str) -> str:
    """Without any white space: table cells wrap inside their column (and at "/" and "-")."""
    return "".join(value.replace(NBSP, " ").split())


def assert_in_table(pdf: bytes, row: str) -> None:
    assert tight(row) in tight(pdfread.text(pdf)), row
