"""Settings that go out by SMS, checked before scheduling saves them (scheduler.events)."""
from __future__ import annotations

from typing import Mapping

from scheduler.services.errors import Invalid

from notifications.engine.discretion import sms_wording_problems


def refuse_telltale_clinic_texts(settings: Mapping[str, object]) -> None:
    """No SMS may say what a patient is treated for, so neither may the name texts go out under
    nor the crisis answer: Invalid, naming the field, when one does."""
    problems = sms_wording_problems(settings.get("name"), settings.get("sms_name"),
                                    settings.get("crisis_text"))
    if problems:
        raise Invalid(problems)
