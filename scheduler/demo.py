"""The demo clinic `make run` starts with: real time zone, chairs, treatments, patients, courses,
and a day in progress (two patients checked in today, one on the waitlist). Notifications' part
of the story (messages, answers, alerts) is notifications.demo's, called by the CLI after this.

Phone numbers are from the 555-01xx range, which is reserved for fiction.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app, g
from sqlalchemy import select

from . import clock
from .extensions import db
from .models import Clinic, Patient, StaffUser
from .services import booking, clinic, observations, patients, staff, staffing, waitlist
from .services.booking import CourseRequest
from .services.staff import Principal

PREPARATION = (
    "Please have nothing to eat for 4 hours and nothing to drink for 2 hours before your session. "
    "Arrange a ride home: you must not drive until the next day. Arrive 15 minutes early and "
    "bring a list of your current medicines."
)
SMS_PREPARATION = "No food 4h or drink 2h before. Bring a ride home."
# Six infusions over three weeks, at least a day apart, then one every four weeks.
INFUSION_PROTOCOL = {"induction_sessions": 6, "min_gap_hours": 24, "max_span_days": 21,
                     "maintenance_interval_days": 28}
# The nasal spray's induction is twice a week for four weeks (eight doses), more than the 3 to 6
# sessions an induction may have here: six, twice a week, then weekly.
NASAL_SPRAY_PROTOCOL = {"induction_sessions": 6, "min_gap_hours": 72, "max_span_days": 28,
                        "maintenance_interval_days": 7}
# After each dose: blood pressure at the dose, 40 minutes on and before discharge; the nasal spray
# (esketamine, under REMS) leaves a monitoring form to file within a week.
BLOOD_PRESSURE = {"checks": [{"name": "blood_pressure", "at_minutes": [0, 40, 120]}],
                  "ranges": {"systolic": [90, 160], "diastolic": [50, 100]}}
INFUSION_OBSERVATION = {"min_minutes": 120, **BLOOD_PRESSURE, "monitoring_form_days": None}
NASAL_SPRAY_OBSERVATION = {"min_minutes": 120, **BLOOD_PRESSURE, "monitoring_form_days": 7}
# Who must be on shift: a nurse for every two infusions, a prescriber for every six nasal-spray
# patients; and who is, every opening hour for a year.
CLINICIANS = (("Dr. Ana Ortiz", "prescriber"), ("Sam Lee", "nurse"), ("Jo Kim", "nurse"))
ACCOUNTS = (("admin@demo.clinic", "admin"), ("frontdesk@demo.clinic", "front_desk"),
            ("monitoring@demo.clinic", "monitoring"))
PATIENTS = (
    ("Alex", "Rivera", "+16175550101", "alex.rivera@example.com"),
    ("Sam", "Chen", "+16175550102", "sam.chen@example.com"),
    ("Jordan", "Okafor", "+16175550103", None),
    ("Taylor", "Nguyen", None, "taylor.nguyen@example.com"),
    # In the chair today: one in observation with a check due, one just checked in.
    ("Casey", "Brooks", "+16175550104", "casey.brooks@example.com"),
    ("Riley", "Patel", "+16175550105", None),
    # Finished a nasal-spray induction (notifications.demo lives it through): due for maintenance,
    # with its REMS monitoring forms to file.
    ("Morgan", "Ellis", "+16175550106", "morgan.ellis@example.com"),
)
IN_OBSERVATION, JUST_CHECKED_IN, INDUCTION_DONE = "+16175550104", "+16175550105", "+16175550106"
# A PHQ-9 two days before each session and a GAD-7 every fortnight; escalation to on-call.
QUESTIONNAIRE_RULES = [{"instrument": "phq9", "before_minutes": 2880}, {"instrument": "gad7", "every_days": 14}]
ONCALL_EMAIL = "oncall@demo.clinic"
INFUSION, NASAL_SPRAY = "IV infusion", "Nasal spray with observation"
SHIFTS_FROM_DAYS_AGO = 28  # the clinicians' rota starts before last week's induction
NORMAL_BLOOD_PRESSURE = {"systolic": 122, "diastolic": 78}
CHECK_IN_AHEAD = timedelta(hours=3)  # inside the 4 hours before a start that check-in allows


@dataclass(frozen=True)
class Seeded:
    """The demo staff accounts as (email, role, password), and whether the clinic was new."""
    accounts: list[tuple[str, str, str]]
    new_clinic: bool


def seed(saved_passwords: Mapping[str, str] | None = None) -> Seeded:
    """Create the demo clinic once. Each account keeps its saved password (a new one when none
    is saved), so a password written down yesterday still signs in."""
    accounts = [(email, role, _password(email, role, (saved_passwords or {}).get(email)))
                for email, role in ACCOUNTS]
    if db.session.get(Clinic, 1) is not None:
        return Seeded(accounts, False)
    _seed_clinic()
    return Seeded(accounts, True)


def _seed_clinic() -> None:
    weekday = [["08:00", "18:00"]]
    clinic.update_clinic({
        "name": "Riverside Wellness Clinic", "phone": "+16175550100",
        "timezone": "America/New_York", "time_format": "12h",
        "opening_hours": {"mon": weekday, "tue": weekday, "wed": weekday, "thu": weekday,
                          "fri": weekday, "sat": [["09:00", "13:00"]]},
        "questionnaire_rules": QUESTIONNAIRE_RULES, "oncall_email": ONCALL_EMAIL,
    })
    for name in ("Chair 1", "Chair 2", "Chair 3"):
        clinic.create_chair(name)
    clinic.create_chair("Recovery room", kind="room")
    today = clinic.scheduling_rules(clinic.get_clinic()).hours.local_date(clock.now())
    for name, role in CLINICIANS:
        person = staffing.create_clinician({"name": name, "role": role})
        staffing.add_weekly_shifts(person.id, {**{day: weekday for day in ("mon", "tue", "wed", "thu", "fri")},
                                               "sat": [["09:00", "13:00"]]},
                                   today - timedelta(days=SHIFTS_FROM_DAYS_AGO), today + timedelta(days=365), [])
    infusion = clinic.create_treatment_type(
        name=INFUSION, duration_minutes=120, buffer_minutes=15, preparation=PREPARATION,
        sms_preparation=SMS_PREPARATION, protocol=INFUSION_PROTOCOL, observation=INFUSION_OBSERVATION,
        staffing=[{"role": "nurse", "patients_per_staff": 2}])
    nasal = clinic.create_treatment_type(
        name=NASAL_SPRAY, duration_minutes=120, buffer_minutes=10,
        preparation=PREPARATION, sms_preparation=SMS_PREPARATION, protocol=NASAL_SPRAY_PROTOCOL,
        observation=NASAL_SPRAY_OBSERVATION, staffing=[{"role": "prescriber", "patients_per_staff": 6}])
    people = [patients.create_patient({
        "first_name": first, "last_name": last, "phone": phone, "email": email,
        "sms_opt_in": phone is not None, "email_opt_in": email is not None})
        for first, last, phone, email in PATIENTS]
    # The inductions leave their rules to the treatment types' protocols, as the desk may.
    booking.book_course(CourseRequest(people[0].id, infusion.id, "induction",
                                      start_on=today + timedelta(days=1)))
    booking.book_course(CourseRequest(people[1].id, nasal.id, "induction",
                                      start_on=today + timedelta(days=2)))
    booking.book_course(CourseRequest(people[2].id, infusion.id, "maintenance", 3,
                                      start_on=today + timedelta(days=3)))
    waitlist.add_entry(people[3].id, nasal.id, today, today + timedelta(days=14))
    _seed_today(infusion.id)


def _seed_today(treatment_type_id: int) -> None:
    """Two patients in chairs today, if the clinic opens today: one in observation with a
    reading taken and the next check due, one just checked in. Booked and checked in through
    the services, at the times a desk would have done it."""
    now = clock.now()
    zone = clinic.scheduling_rules(clinic.get_clinic()).hours.timezone
    midnight = datetime.combine(now.astimezone(zone).date(), time(0), zone)
    with living_at(midnight):
        slots = booking.availability(treatment_type_id, midnight, midnight + timedelta(days=1))
    if not slots:
        return  # closed today: the schedule's next days still show the booked courses
    started = [slot for slot in slots if slot.start <= now]
    start = (started[-1] if started else slots[0]).start
    for phone, readings in ((IN_OBSERVATION, 1), (JUST_CHECKED_IN, 0)):
        _check_in_today(patient_at(phone), treatment_type_id, start, midnight, now, readings)


def _check_in_today(patient_id: int, treatment_type_id: int, start: datetime, booked_at: datetime,
                    now: datetime, readings: int) -> None:
    with living_at(booked_at):
        session = booking.book_appointment(patient_id, treatment_type_id, start)
    arrived = min(max(now, start - CHECK_IN_AHEAD), session.end_at - timedelta(minutes=1))
    with living_at(arrived):
        booking.change_status(session.id, "check_in")
    # Observation counts from the booked start when the patient came early: the dose's reading.
    with living_at(max(arrived, start)), acting_as("monitoring"):
        for _ in range(readings):
            observations.record(session.id, "blood_pressure", NORMAL_BLOOD_PRESSURE)


def patient_at(phone: str) -> int:
    return db.session.scalar(select(Patient.id).where(Patient.phone == phone).order_by(Patient.id))


@contextmanager
def living_at(instant: datetime) -> Iterator[None]:
    """The services read the time from the app's clock; the demo's past (and its morning) is
    played through them with that clock set back, so it is recorded as it would have been."""
    saved = current_app.config.get("CLOCK")
    current_app.config["CLOCK"] = lambda: instant
    try:
        yield
    finally:
        if saved is None:
            current_app.config.pop("CLOCK")
        else:
            current_app.config["CLOCK"] = saved


@contextmanager
def acting_as(role: str) -> Iterator[None]:
    """Readings and the audit trail name who entered them: the demo account of that role."""
    email = next(address for address, account_role in ACCOUNTS if account_role == role)
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
    saved = g.get("staff")
    g.staff = Principal(user.id, role, email)
    try:
        yield
    finally:
        g.staff = saved


def _password(email: str, role: str, saved: str | None) -> str:
    """The saved password when there is one (the account made with it if missing), else a new one."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
    if user is not None and saved:
        return saved
    password = saved or secrets.token_urlsafe(12)
    if user is None:
        staff.create_staff(email, password, role)
    else:
        staff.set_password(user, password)
    return password
