"""What a patient's phone shows: every kind of text in one segment (a course's confirmation in
two at most), each session on the clinic's clock with its zone when the patient's differs, the
clinic's number as it is dialled at home. Rendered from the templates the service ships."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from notifications.engine import wording
from notifications.engine.segments import segments, septets
from scheduler.demo import SMS_PREPARATION

UTC = timezone.utc
NEW_YORK, LONDON, DETROIT = "America/New_York", "Europe/London", "America/Detroit"
DEMO_CLINIC = "Riverside Wellness Clinic"  # the demo's name, which its texts go out under
# The longest a time is written: a two-digit day, minutes past the hour, a zone label.
WED_30_SEP_1030 = datetime(2026, 9, 30, 14, 30, tzinfo=UTC)
TEMPLATES = wording.environment(str(wording.TEMPLATES))


def text(purpose, starts=(WED_30_SEP_1030,), patient_timezone=LONDON, rule_minutes=None,
         moved_from=None, sms_name=DEMO_CLINIC) -> str:
    facts = wording.MessageFacts(
        purpose=purpose, channel="sms", rule_minutes=rule_minutes, first_name="Alexandra",
        patient_timezone=patient_timezone, clinic_timezone=NEW_YORK, clinic_name=sms_name,
        sms_name=sms_name, clinic_phone="+16175550100", session_starts=tuple(starts),
        preparation="A long email paragraph that never goes by text.", sms_preparation=SMS_PREPARATION,
        moved_from=moved_from)
    return wording.render(TEMPLATES, facts).text


SIX_AT_1030 = [WED_30_SEP_1030 + timedelta(days=d) for d in (-2, -1, 0, 1, 5, 7)]
SIX_AT_DIFFERENT_TIMES = [WED_30_SEP_1030 + timedelta(days=d, minutes=30 * d) for d in (-7, -6, -5, -2, -1, 0)]
ONE_SEGMENT = {
    "day-before reminder": text("reminder", rule_minutes=1440),
    "two-hour reminder": text("reminder", rule_minutes=120),
    "reschedule": text("reschedule", moved_from=SIX_AT_1030[0]),
    "cancellation": text("cancellation"),
    "course cancellation": text("course_cancellation"),
    "no-show": text("no_show"),
    "check-in": text("checkin"),
    "one session's confirmation, same zone": text("confirmation", patient_timezone=NEW_YORK),
}
TWO_SEGMENTS_AT_MOST = {
    "one session's confirmation, another zone": text("confirmation"),
    "six sessions at one time": text("confirmation", SIX_AT_1030),
    "six sessions at six times": text("confirmation", SIX_AT_DIFFERENT_TIMES),
}


@pytest.mark.parametrize("kind", ONE_SEGMENT)
def test_every_text_about_a_session_fits_in_one_segment(kind):
    assert segments(ONE_SEGMENT[kind]) == 1, (len(ONE_SEGMENT[kind]), ONE_SEGMENT[kind])
    assert septets(ONE_SEGMENT[kind]) is not None  # GSM-7: a single odd character would make it UCS-2


@pytest.mark.parametrize("kind", TWO_SEGMENTS_AT_MOST)
def test_a_course_confirmation_takes_two_segments_at_most(kind):
    assert segments(TWO_SEGMENTS_AT_MOST[kind]) <= 2, TWO_SEGMENTS_AT_MOST[kind]


@pytest.mark.parametrize(("characters", "expected"), [
    ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3),
    ("{" * 80, 1), ("{" * 81, 2), ("€" + "a" * 158, 1), ("€" + "a" * 159, 2),  # GSM-7's extension table counts two
    ("é" * 160, 1),  # in GSM-7's own table
    ("ë" * 70, 1), ("ë" * 71, 2), ("ë" * 134, 2), ("ë" * 135, 3),  # UCS-2
    ("😀" * 35, 1), ("😀" * 36, 2),  # an emoji is two UTF-16 units
])
def test_segments_are_counted_as_carriers_count_them(characters, expected):
    assert segments(characters) == expected


def test_one_character_outside_gsm7_sends_the_whole_text_as_ucs2():
    reminder = text("reminder", rule_minutes=1440, sms_name="Zoë's Wellness Clinic")
    assert septets(reminder) is None and segments(reminder) > 1


def test_a_session_is_written_on_the_clinics_clock_with_its_zone_when_the_patients_differs():
    assert "Wed 30 Sep 10:30am EDT" in text("reminder", rule_minutes=120, patient_timezone=LONDON)
    assert "Wed 30 Sep 10:30am." in text("reminder", rule_minutes=120, patient_timezone=NEW_YORK)
    # Another zone name that shows the same time needs no label.
    assert "Wed 30 Sep 10:30am." in text("reminder", rule_minutes=120, patient_timezone=DETROIT)


def test_the_zone_label_follows_daylight_saving():
    december = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    assert "Wed 2 Dec 10am EST" in text("cancellation", starts=[december])


def test_a_course_confirmation_lists_its_dates_compactly_and_says_which_session_c_confirms():
    confirmation = text("confirmation", SIX_AT_1030, patient_timezone=NEW_YORK)
    assert "6 visits: Mon 28, Tue 29, Wed 30 Sep, Thu 1, Mon 5, Wed 7 Oct at 10:30am." in confirmation
    assert "Reply C to confirm Mon 28 Sep" in confirmation


def test_a_course_at_different_times_lists_each_date_with_its_time():
    confirmation = text("confirmation", SIX_AT_DIFFERENT_TIMES, patient_timezone=NEW_YORK)
    assert "Wed 23 Sep 7am, Thu 24 Sep 7:30am, Fri 25 Sep 8am" in confirmation


def test_a_reschedule_says_from_when_to_when():
    moved = text("reschedule", starts=[SIX_AT_1030[3]], moved_from=SIX_AT_1030[0], patient_timezone=NEW_YORK)
    assert "your visit on Mon 28 Sep 10:30am is moved to Thu 1 Oct 10:30am." in moved


def test_the_clinics_number_is_written_as_it_is_dialled_at_home():
    assert "(617) 555-0100" in text("cancellation") and "+1617" not in text("cancellation")


def test_the_day_before_reminder_carries_the_treatments_own_short_line_and_the_two_hour_one_does_not():
    assert SMS_PREPARATION in text("reminder", rule_minutes=1440)
    assert SMS_PREPARATION not in text("reminder", rule_minutes=120)
    assert "email paragraph" not in text("reminder", rule_minutes=1440)


@given(st.lists(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 1, 1),
                             timezones=st.just(UTC)), min_size=1, max_size=12, unique=True))
def test_a_brief_list_of_sessions_names_every_session_day(starts):
    starts = sorted(starts)
    brief = wording.sessions_in_brief(starts, NEW_YORK, LONDON)
    for start in starts:
        local = start.astimezone(wording.ZoneInfo(NEW_YORK))
        assert f"{local:%a} {local.day}" in brief


# A questionnaire's link as it goes out: a public address of 30 characters, and a seven-digit id
# signed with itsdangerous's Signer (a dot and 27 characters). A longer address leaves less room
# for the clinic's sms_name.
FORM_LINK = "https://clinic.riverside.org/q/1234567.abcdefghijklmnopqrstuvwxyz0"


@pytest.mark.parametrize("purpose", ["questionnaire", "questionnaire_reminder"])
def test_a_questionnaires_text_fits_one_segment_with_the_longest_clinic_name(purpose):
    facts = wording.MessageFacts(
        purpose=purpose, channel="sms", rule_minutes=None, first_name="Alexandra",
        patient_timezone=LONDON, clinic_timezone=NEW_YORK, clinic_name="x", sms_name="R" * 40,
        clinic_phone="+16175550100", session_starts=(), preparation="", form_link=FORM_LINK)
    body = wording.render(TEMPLATES, facts).text
    assert segments(body) == 1 and septets(body) is not None, (len(body), body)
    assert FORM_LINK in body and "check-in form" in body
