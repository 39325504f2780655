"""Vietnamese text: NFC normalisation, diacritic-free search keys, name order.

Input is normalised to NFC so that "Nguyễn" typed on a Mac (NFD) and on
Windows (NFC) is the same string. Search compares *folded* keys: lower case,
tone and vowel marks removed, "đ" as "d", runs of spaces collapsed, so
"nguyen van an" finds "Nguyễn Văn An".

People are listed by given name, then family name, then middle names, in the
Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y)
with tones ordered as dictionaries do (ngang, huyền, hỏi, ngã, sắc, nặng).
The sort key is a string of digits only, so every database orders it the same
way whatever its collation.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Dropped from every input: C0 controls but tab and line breaks, DEL, C1 controls, the byte order mark, and
# the bidirectional embeddings, overrides and isolates (which can make a name read backwards on screen).
_CONTROL = dict.fromkeys(
    [c for c in range(32) if chr(c) not in "\t\n\r"] + list(range(0x7F, 0xA0)) + [0xFEFF]
    + list(range(0x202A, 0x202F)) + list(range(0x2066, 0x206A))
)


def nfc(value: str | None) -> str | None:
    """NFC-normalise, drop control characters (see ``_CONTROL``), trim outer whitespace."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", str(value)).translate(_CONTROL).strip()


def clean_line(value: str | None) -> str:
    """A one-line value: NFC, inner whitespace collapsed."""
    return _SPACES.sub(" ", nfc(value) or "")


# Combining marks that change the letter (â ê ô ă ơ ư) versus tone marks.
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l",
    "m", "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]
# Two digits per character: digits 10-19, letters 20-52; "00" ends a word.
_DIGIT_CODE = {str(d): f"{d + 10:02d}" for d in range(10)}
_LETTER_CODE = {letter: f"{index + 20:02d}" for index, letter in enumerate(_ALPHABET)}


def fold(value: str | None) -> str:
    """Search key: lower case, no diacritics, đ -> d, single spaces."""
    if not value:
        return ""
    text = unicodedata.normalize("NFD", str(value).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("đ", "d")
    return _SPACES.sub(" ", text).strip()


def _letters_and_tones(word: str) -> list[tuple[str, int]]:
    """Split a word into (base letter, tone) pairs, keeping ă â ê ô ơ ư whole."""
    pairs: list[tuple[str, int]] = []
    for cluster in _clusters(unicodedata.normalize("NFD", word.lower())):
        base, marks = cluster[0], cluster[1:]
        tone = 0
        letter_marks = ""
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            elif mark in (_CIRCUMFLEX, _BREVE, _HORN):
                letter_marks += mark
        letter = unicodedata.normalize("NFC", base + letter_marks)
        pairs.append((letter, tone))
    return pairs


def _clusters(text: str):
    current = ""
    for ch in text:
        if unicodedata.combining(ch) and current:
            current += ch
        else:
            if current:
                yield current
            current = ch
    if current:
        yield current


def word_key(word: str) -> str:
    """Digits-only key of one word: letter codes, then '00', then one digit per tone."""
    pairs = [(letter, tone) for letter, tone in _letters_and_tones(word) if _code(letter)]
    return "".join(_code(letter) for letter, _ in pairs) + "00" + "".join(str(t) for _, t in pairs)


def _code(letter: str) -> str:
    return _LETTER_CODE.get(letter) or _DIGIT_CODE.get(letter) or ""


def phrase_key(text: str | None) -> str:
    """Key for a phrase compared word by word (collective names, titles)."""
    words = (clean_line(text) or "").split(" ")
    return "9".join(word_key(w) for w in words if w) if words else ""


def split_person_name(full_name: str) -> tuple[str, str, str]:
    """Return (family name, middle names, given name) of a Vietnamese full name."""
    words = clean_line(full_name).split(" ")
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def person_sort_key(full_name: str) -> str:
    """Given name, then family name, then middle names, in Vietnamese order.

    Each word key ends with "00" before its tones, so "An" sorts before "Anh";
    two words with the same letters have tone parts of the same length, so the
    "9" joining the fields lines up and the next field decides.
    """
    family, middle, given = split_person_name(full_name)
    return "9".join([phrase_key(given), phrase_key(family), phrase_key(middle)])
