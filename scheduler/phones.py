"""Phone numbers as the clinic keeps them: E.164, reading numbers without +country in the
clinic's default region (DEFAULT_PHONE_REGION). One reading for forms, search and inbound texts,
so a patient typed in as "(617) 555-0123" is the one who texts from +16175550123."""
from __future__ import annotations

import phonenumbers
from flask import current_app

LONGEST = 40  # no real number, however punctuated, is longer; refuse before parsing


def to_e164(text: str) -> str | None:
    """The E.164 form of a valid phone number, or None when `text` is not one."""
    if len(text) > LONGEST:
        return None
    try:
        number = phonenumbers.parse(text, current_app.config["DEFAULT_PHONE_REGION"])
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)



def national(e164: str) -> str:
    """A kept number as the clinic's staff read it out, e.g. "(617) 555-0123"; a number from
    another country keeps its +country code, so nobody dials it as a local one."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(number)
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if region == current_app.config["DEFAULT_PHONE_REGION"]
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, style)
