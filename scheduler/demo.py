"""The demo clinic `make run` starts with: real time zone, chairs, treatments, patients, courses.

Phone numbers are from the 555-01xx range, which is reserved for fiction.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from . import clock
from .extensions import db
from .models import Clinic, StaffUser
from .services import booking, clinic, patients, staff, staffing
from .services.booking import CourseRequest

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
)


def seed() -> list[tuple[str, str, str]]:
    """Create the demo clinic once; (re)set and return the demo staff passwords every time."""
    if db.session.get(Clinic, 1) is None:
        _seed_clinic()
    return [(email, role, _reset_password(email, role)) for email, role in ACCOUNTS]


def _seed_clinic() -> None:
    weekday = [["08:00", "18:00"]]
    clinic.update_clinic({
        "name": "Riverside Wellness Clinic", "phone": "+16175550100",
        "timezone": "America/New_York", "time_format": "12h",
        "opening_hours": {"mon": weekday, "tue": weekday, "wed": weekday, "thu": weekday,
                          "fri": weekday, "sat": [["09:00", "13:00"]]},
    })
    for name in ("Chair 1", "Chair 2", "Chair 3", "Recovery room"):
        clinic.create_chair(name)
    today = clinic.scheduling_rules(clinic.get_clinic()).hours.local_date(clock.now())
    for name, role in CLINICIANS:
        person = staffing.create_clinician({"name": name, "role": role})
        staffing.add_weekly_shifts(person.id, {**{day: weekday for day in ("mon", "tue", "wed", "thu", "fri")},
                                               "sat": [["09:00", "13:00"]]}, today, today + timedelta(days=365), [])
    infusion = clinic.create_treatment_type(
        name="IV infusion", duration_minutes=120, buffer_minutes=15, preparation=PREPARATION,
        sms_preparation=SMS_PREPARATION, protocol=INFUSION_PROTOCOL, observation=INFUSION_OBSERVATION,
        staffing=[{"role": "nurse", "patients_per_staff": 2}])
    nasal = clinic.create_treatment_type(
        name="Nasal spray with observation", duration_minutes=120, buffer_minutes=10,
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


def _reset_password(email: str, role: str) -> str:
    password = secrets.token_urlsafe(12)
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
    if user is None:
        staff.create_staff(email, password, role)
    else:
        staff.set_password(user, password)
    return password
