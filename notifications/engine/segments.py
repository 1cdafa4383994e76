"""How many SMS segments a text costs, counted as carriers count them.

A text that GSM-7 can carry goes in 7-bit characters: 160 in one segment, 153 a segment once it
is split (the rest carries the join header); a character of GSM-7's extension table ({, }, €,
...) takes two. Any other character (an emoji, "ë") sends the whole text as UCS-2: 70 UTF-16
units in one segment, 67 a segment once split. Pure: no Flask, no database.
"""
from __future__ import annotations

import math

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def septets(text: str) -> int | None:
    """GSM-7 characters the text takes (extension characters count two), or None when it needs
    UCS-2."""
    try:
        return len(text.encode("gsm03.38"))
    except UnicodeEncodeError:
        return None


def segments(text: str) -> int:
    gsm = septets(text)
    if gsm is not None:
        return 1 if gsm <= GSM7_SINGLE else math.ceil(gsm / GSM7_PART)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= UCS2_SINGLE else math.ceil(units / UCS2_PART)
