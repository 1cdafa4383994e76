"""Words a text message must never carry.

A text shows on a lock screen to whoever holds the phone, so no SMS may name a drug, a
diagnosis or the treatment. The message templates keep to that themselves; this guards the
text an admin types that goes out by SMS (the name texts are sent under, the crisis answer).
Pure: no Flask, no database.
"""
from __future__ import annotations

import re

# Whole words and their obvious forms ("depressive", "infusions"), any case.
_TELLTALE = re.compile(
    r"\b(ketamine|esketamine|spravato|ketalar|infusions?|depress\w*|anxiety|anxious|ptsd|"
    r"bipolar|psychiatr\w*)\b",
    re.IGNORECASE,
)


def telltale_words(text: str | None) -> list[str]:
    """The words in `text` that would tell a reader what the patient is treated for, lower-cased,
    each once, in the order they appear."""
    found: list[str] = []
    for match in _TELLTALE.finditer(text or ""):
        word = match.group(0).lower()
        if word not in found:
            found.append(word)
    return found


def sms_wording_problems(name: str | None, sms_name: str | None, crisis_text: str | None) -> dict[str, str]:
    """{field: why} for the clinic's settings that go out by SMS and tell too much: the name
    texts are sent under (the SMS name, or the clinic's name while that is empty) and the crisis
    answer."""
    problems = {}
    if telltale_words(sms_name):
        problems["sms_name"] = (f"Texts go out under this name; it must not say "
                                f"\"{telltale_words(sms_name)[0]}\".")
    elif not sms_name and telltale_words(name):
        problems["name"] = (f"Texts go out under this name while the SMS name is empty, and it says "
                            f"\"{telltale_words(name)[0]}\": give an SMS name that names no drug "
                            f"or diagnosis.")
    if telltale_words(crisis_text):
        problems["crisis_text"] = (f"This is sent by SMS; it must not say "
                                   f"\"{telltale_words(crisis_text)[0]}\".")
    return problems
