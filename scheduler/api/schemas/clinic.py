"""Schemas for the clinic's set-up: settings, chairs, treatment types."""
from datetime import timedelta

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from ...engine.courses import INDUCTION, SESSION_LIMITS, CourseRules, course_shape_problem
from ...engine.hours import WEEKDAYS
from ...models.clinic import CHAIR_KINDS, TREATMENT_CHAIR
from .booking import GAP_HOURS, INTERVAL_DAYS, SPAN_DAYS
from .fields import Clock, Count, Email, Flag, IsoDate, Phone, Text, TimeZoneName
from .observation import OBSERVATION
from .staffing import STAFFING, refuse_repeated_roles

CHANNELS = ("sms", "email")
MINUTES_IN_30_DAYS = 30 * 24 * 60
TIME_FORMATS = ("12h", "24h")


class QuietHoursSchema(Schema):
    start = Clock(required=True, metadata={
        "description": "when texts stop, in the patient's local time (HH:MM)", "example": "21:00"})
    end = Clock(required=True, metadata={
        "description": "when texts may go out again, in the patient's local time", "example": "08:00"})


class ReminderRuleSchema(Schema):
    offset_minutes = Count(0, MINUTES_IN_30_DAYS, required=True, metadata={
        "description": "how long before the session's start the reminder goes out", "example": 1440})
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), required=True,
                           validate=validate.Length(1, 2), metadata={
                               "description": "sms, email or both (each only where the patient agreed)",
                               "example": ["sms", "email"]})


class CheckinRuleSchema(Schema):
    after_minutes = Count(0, MINUTES_IN_30_DAYS, required=True, metadata={
        "description": "how long after the session is completed the check-in question goes out",
        "example": 1440})
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS), metadata={
        "description": "sms or email", "example": "sms"})


INSTRUMENTS = ("phq9", "gad7")  # the questionnaires notifications can send


class QuestionnaireRuleSchema(Schema):
    """One of before_minutes or every_days."""

    instrument = fields.String(required=True, validate=validate.OneOf(INSTRUMENTS), metadata={
        "description": "phq9 or gad7", "example": "phq9"})
    before_minutes = Count(0, MINUTES_IN_30_DAYS, metadata={
        "description": "sent this long before each session", "example": 2880})
    every_days = Count(1, 365, metadata={
        "description": "sent every so many days while the patient has sessions to come", "example": 14})

    @validates_schema
    def _one_timing(self, data, **_):
        if ("before_minutes" in data) == ("every_days" in data):
            raise ValidationError("give one of before_minutes or every_days", "before_minutes")


class ClinicSchema(Schema):
    """The clinic's settings. On PUT, fields left out keep their current value."""

    name = Text(120, 1, metadata={"description": "the clinic's name, on the staff pages and in emails",
                                  "example": "Riverside Wellness Clinic"})
    phone = Phone(allow_none=True, metadata={
        "description": "the number patients call, in E.164 (HELP texts and emails give it)",
        "example": "+16175550100"})
    sms_name = Text(40, 1, allow_none=True, metadata={
        "description": "the name texts go out under; the clinic's name when empty. It must not "
                       "name a drug or a diagnosis", "example": "Riverside Clinic"})
    timezone = TimeZoneName(metadata={"description": "the clinic's IANA time zone: opening hours "
                                                     "and dates are read in it",
                                      "example": "America/New_York"})
    opening_hours = fields.Dict(
        keys=fields.String(validate=validate.OneOf(WEEKDAYS)),
        values=fields.List(fields.List(Clock(), validate=validate.Length(2, 2)),
                           validate=validate.Length(0, 4)),
        metadata={"description": "per weekday (mon to sun), up to four [opens, closes] spans in "
                                 "clinic-local time; a day left out is closed. A whole session "
                                 "must fit inside one span",
                  "example": {"mon": [["08:00", "18:00"]], "sat": [["09:00", "13:00"]]}},
    )
    closed_dates = fields.List(IsoDate(), validate=validate.Length(0, 400), metadata={
        "description": "clinic-local dates closed all day, e.g. public holidays",
        "example": ["2026-12-25"]})
    slot_step_minutes = Count(5, 120, metadata={
        "description": "sessions start on this grid, counted from each opening time", "example": 15})
    quiet_hours = fields.Nested(QuietHoursSchema, allow_none=True, metadata={
        "description": "no SMS goes out inside them; null: texts at any hour",
        "example": {"start": "21:00", "end": "08:00"}})
    reminder_rules = fields.List(fields.Nested(ReminderRuleSchema), validate=validate.Length(0, 10),
                                 metadata={"description": "the reminders before each session",
                                           "example": [{"offset_minutes": 1440, "channels": ["sms", "email"]},
                                                       {"offset_minutes": 120, "channels": ["sms"]}]})
    checkin_rules = fields.List(fields.Nested(CheckinRuleSchema), validate=validate.Length(0, 10),
                                metadata={"description": "the check-in questions after a completed session",
                                          "example": [{"after_minutes": 1440, "channel": "sms"}]})
    alert_score_at_or_below = Count(0, 10, metadata={
        "description": "a check-in score (0 worst, 10 best) at or below which an alert opens",
        "example": 3})
    escalation_minutes = Count(1, 24 * 60, metadata={
        "description": "how long an alert may wait unacknowledged before on-call is emailed",
        "example": 30})
    crisis_text = Text(320, 1, metadata={
        "description": "the answer to a text with words of self-harm: services that answer at any hour",
        "example": "If you are in danger or thinking of harming yourself, call or text 988 "
                   "(Suicide & Crisis Lifeline) or 911 now."})
    waitlist_offer_minutes = Count(15, 12 * 60, metadata={
        "description": "how long an offer of a freed time to a waiting patient stays open",
        "example": 120})
    questionnaire_rules = fields.List(fields.Nested(QuestionnaireRuleSchema), validate=validate.Length(0, 10),
                                      metadata={"description": "which questionnaires patients get by "
                                                               "signed link, and when",
                                                "example": [{"instrument": "phq9", "before_minutes": 2880},
                                                            {"instrument": "gad7", "every_days": 14}]})
    phq9_alert_at = Count(1, 27, allow_none=True, metadata={
        "description": "a PHQ-9 total at or above which an alert opens; null: none (item 9 above 0 "
                       "always opens an urgent one)", "example": 20})
    gad7_alert_at = Count(1, 21, allow_none=True, metadata={
        "description": "a GAD-7 total at or above which an alert opens; null: none", "example": 15})
    time_format = fields.String(validate=validate.OneOf(TIME_FORMATS), metadata={
        "description": "how the staff pages write times of day: 12h (9:30 AM) or 24h (09:30)",
        "example": "12h"})
    oncall_email = Email(allow_none=True, validate=validate.Length(max=254), metadata={
        "description": "where alerts not acknowledged within escalation_minutes are emailed",
        "example": "oncall@demo.clinic"})

    @validates("opening_hours")
    def _spans_in_order(self, value, **_):
        for day, spans in value.items():
            if any(len(span) != 2 for span in spans):
                continue  # already refused span by span
            ordered = sorted(spans)
            for opens, closes in ordered:
                if opens >= closes:
                    raise ValidationError(f"{day}: {opens}-{closes} must open before it closes")
            for (_, closes), (opens, _) in zip(ordered, ordered[1:]):
                if opens < closes:
                    raise ValidationError(f"{day}: opening hours overlap")


class ChairSchema(Schema):
    id = fields.Integer(dump_only=True, metadata={"description": "the chair's id", "example": 1})
    name = Text(80, 1, required=True, metadata={"description": "a name staff know it by",
                                                "example": "Chair 1"})
    active = Flag(load_default=True, metadata={
        "description": "false: no longer offered for new sessions", "example": True})
    kind = fields.String(load_default=TREATMENT_CHAIR, validate=validate.OneOf(CHAIR_KINDS), metadata={
        "description": "chair: a treatment chair, booked for doses; room: a recovery or consult "
                       "room, never offered for a session", "example": TREATMENT_CHAIR})


class ChairChangesSchema(ChairSchema):
    """PATCH: only the fields given change."""

    def __init__(self, **kwargs):
        # Partial loading skips load_default too: a field left out keeps its value.
        super().__init__(partial=True, **kwargs)


class ProtocolSchema(Schema):
    """The course rules a booking of this treatment leaves out; all four are given together."""

    induction_sessions = Count(*SESSION_LIMITS[INDUCTION], required=True, metadata={
        "description": "how many sessions an induction has", "example": 6})
    min_gap_hours = Count(*GAP_HOURS, required=True, metadata={
        "description": "induction: the least time between two sessions' starts", "example": 24})
    max_span_days = Count(*SPAN_DAYS, required=True, metadata={
        "description": "induction: every session within this many days of the first", "example": 21})
    maintenance_interval_days = Count(*INTERVAL_DAYS, required=True, metadata={
        "description": "maintenance: the days between sessions", "example": 28})

    @validates_schema
    def _induction_fits_its_span(self, data, **_):
        if not {"induction_sessions", "min_gap_hours", "max_span_days"} <= data.keys():
            return  # a missing rule is already refused on its own
        problem = course_shape_problem(CourseRules(
            INDUCTION, data["induction_sessions"], timedelta(hours=data["min_gap_hours"]),
            timedelta(days=data["max_span_days"])))
        if problem:
            field, why = problem
            raise ValidationError(why, "induction_sessions" if field == "sessions" else field)


class TreatmentTypeSchema(Schema):
    id = fields.Integer(dump_only=True, metadata={"description": "the treatment type's id", "example": 1})
    name = Text(120, 1, required=True, metadata={"description": "what staff call it (never sent to patients)",
                                                 "example": "IV infusion"})
    duration_minutes = Count(5, 12 * 60, required=True, metadata={
        "description": "how long a session lasts, observation included", "example": 120})
    buffer_minutes = Count(0, 4 * 60, load_default=0, metadata={
        "description": "how long the chair stays held after a session, to turn it over", "example": 15})
    preparation = Text(2000, load_default="", metadata={
        "description": "what the patient must do before a session, sent in the confirmation and "
                       "day-before emails",
        "example": "Please have nothing to eat for 4 hours before your session."})
    sms_preparation = Text(160, load_default="", metadata={
        "description": "one short line on what to prepare, sent in the booking text and the "
                       "day-before reminder; names no drug or diagnosis, and the reminder must "
                       "still fit in one SMS segment",
        "example": "No food 4h before. Bring a ride home."})
    staffing = STAFFING

    @validates("staffing")
    def _one_line_per_role(self, value, **_):
        refuse_repeated_roles(value)
    active = Flag(load_default=True, metadata={
        "description": "false: no longer offered for new bookings", "example": True})
    protocol = fields.Nested(ProtocolSchema, allow_none=True, load_default=None, metadata={
        "description": "the course rules a booking leaves out (POST /courses); null: 24 hours "
                       "apart within 21 days, maintenance every 28 days, sessions always given",
        "example": {"induction_sessions": 6, "min_gap_hours": 24, "max_span_days": 21,
                    "maintenance_interval_days": 28}})
    observation = OBSERVATION


class TreatmentTypeChangesSchema(TreatmentTypeSchema):
    """PATCH: only the fields given change; a protocol given is replaced whole."""

    def __init__(self, **kwargs):
        # Every field may be left out, but not a protocol's own rules: partial naming the
        # top-level fields does not reach into the nested protocol, as partial=True would.
        super().__init__(partial=tuple(TreatmentTypeSchema._declared_fields), **kwargs)
