"""The waitlist: patients waiting for a freed chair, the offers of freed times, and taking one.

A session cancelled or moved frees its chair for its time. In the same transaction, the first
waiting patients whose window fits, and for whom the time is really bookable (booking's own
availability: chairs, hours, and whatever else booking checks), are each offered it, and
WaitlistOffered is announced (scheduler.events) so their messages are written with it.

Taking an offer books through booking.book_appointment in one transaction with the offer's
outcome. Every offer of that time is locked first, in id order, so of several patients offered
one time the first to take it gets it and the rest find their offer `gone`; the database's
refusal of a double-booked chair stands behind that for times booked some other way.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Select, select

from .. import clock, events
from ..engine.appointment_status import HOLDING
from ..engine.errors import SchedulingError
from ..engine.hours import parse_clock
from ..engine.slots import Slot
from ..engine.waitlist import (BOOKED, EXPIRED, GONE, OPEN, REMOVED, WAITING, WITHDRAWN, Window,
                               entry_status, fits, offer_outcome)
from ..extensions import db
from ..models import Appointment, Clinic, WaitlistEntry, WaitlistOffer
from . import audit, booking
from .clinic import get_clinic, get_treatment_type, scheduling_rules
from .errors import Conflict, Invalid, NotFound
from .patients import get_patient

# How many waiting patients are offered one freed time at once: enough that someone is likely
# to answer within the offer's time, few enough that most who hurry still find it free.
OFFERS_PER_TIME = 3
WHY_CLOSED = {
    BOOKED: "this offer has been taken already",
    GONE: "another patient took this time first",
    WITHDRAWN: "this offer was withdrawn: the patient is no longer waiting",
    EXPIRED: "this offer has expired",
}


class OfferClosed(Conflict):
    """The offer can no longer be taken; `outcome` says what became of it."""

    def __init__(self, outcome: str, message: str | None = None):
        super().__init__(message or WHY_CLOSED[outcome])
        self.outcome = outcome


# --- The front desk's list -----------------------------------------------------------------

def add_entry(patient_id: int, treatment_type_id: int, earliest: date, latest: date,
              from_time: str | None = None, until_time: str | None = None) -> WaitlistEntry:
    clinic = get_clinic()
    get_patient(patient_id, "patient_id")
    if not get_treatment_type(treatment_type_id, "treatment_type_id").active:
        raise Invalid({"treatment_type_id": "is no longer offered"})
    if latest < _today(clinic):
        raise Invalid({"latest": "has passed in the clinic's time zone"})
    now = clock.now()
    entry = WaitlistEntry(patient_id=patient_id, treatment_type_id=treatment_type_id, earliest=earliest,
                          latest=latest, from_time=from_time, until_time=until_time, status=WAITING,
                          created_at=now, updated_at=now)
    db.session.add(entry)
    db.session.flush()
    audit.record("waitlist.add", "waitlist_entry", entry.id, patient_id=patient_id)
    db.session.commit()
    return entry


def list_entries(status: str | None = None, patient_id: int | None = None) -> Select:
    """Entries, oldest first (the order patients are offered freed times in)."""
    query = select(WaitlistEntry).order_by(WaitlistEntry.created_at, WaitlistEntry.id)
    if patient_id is not None:
        query = query.where(WaitlistEntry.patient_id == patient_id)
    if status is None:
        return query
    today = _today(get_clinic())
    if status == WAITING:
        return query.where(WaitlistEntry.status == WAITING, WaitlistEntry.latest >= today)
    if status == EXPIRED:
        return query.where(WaitlistEntry.status == WAITING, WaitlistEntry.latest < today)
    return query.where(WaitlistEntry.status == status)


def get_entry(entry_id: int) -> WaitlistEntry:
    entry = db.session.get(WaitlistEntry, entry_id)
    if entry is None:
        raise NotFound("waitlist entry")
    return entry


def remove_entry(entry_id: int) -> WaitlistEntry:
    """Take the patient off the waitlist; offers still open are withdrawn."""
    entry = db.session.scalar(select(WaitlistEntry).where(WaitlistEntry.id == entry_id).with_for_update())
    if entry is None:
        raise NotFound("waitlist entry")
    if entry.status != WAITING:
        raise Conflict(f"the entry is {entry.status} already")
    now = clock.now()
    entry.status, entry.updated_at = REMOVED, now
    _close_open_offers(entry.offers, WITHDRAWN, now)
    audit.record("waitlist.remove", "waitlist_entry", entry.id)
    db.session.commit()
    return entry


def shown_status(entry: WaitlistEntry) -> str:
    return entry_status(entry.status, entry.latest, _today(get_clinic()))


def shown_outcome(offer: WaitlistOffer) -> str:
    return offer_outcome(offer.outcome, offer.expires_at, clock.now())


# --- Offering freed times --------------------------------------------------------------------

def offer_freed_time(start: datetime, end: datetime) -> list[WaitlistOffer]:
    """Offer a time that has just come free, from `start` to `end`, to the first waiting
    patients it suits; the caller commits. Each entry holds one open offer at a time, so a
    course cancelled whole spreads its sessions over several patients."""
    clinic = get_clinic()
    now = clock.now()
    start = max(start, now)
    if start >= end:
        return []
    hours = scheduling_rules(clinic).hours
    free: dict[int, list[Slot]] = {}  # by treatment type: its bookable starts in the freed time
    offers: list[WaitlistOffer] = []
    for entry in _waiting_between(hours.local_date(start), hours.local_date(end), now):
        if entry.treatment_type_id not in free:
            free[entry.treatment_type_id] = _free_starts(entry.treatment_type_id, start, end)
        slot = next((s for s in free[entry.treatment_type_id]
                     if fits(_window(entry), s, hours) and not _busy_that_day(entry.patient_id, s, hours)),
                    None)
        if slot is None:
            continue
        offers.append(WaitlistOffer(entry_id=entry.id, start_at=slot.start, chair_id=slot.chair_id, sent_at=now,
                                    expires_at=now + timedelta(minutes=clinic.waitlist_offer_minutes),
                                    outcome=OPEN, updated_at=now))
        if len(offers) == OFFERS_PER_TIME:
            break
    if offers:
        db.session.add_all(offers)
        db.session.flush()
        events.announce(events.WaitlistOffered(clinic, offers, now))
        for offer in offers:
            audit.record("waitlist.offer", "waitlist_offer", offer.id, entry_id=offer.entry_id,
                         start=offer.start_at.isoformat(), chair_id=offer.chair_id)
    return offers


def _session_freed(session: Appointment) -> None:
    offer_freed_time(session.start_at, session.held_until)


def _session_moved(session: Appointment, moved_from: datetime) -> None:
    offer_freed_time(moved_from, moved_from + (session.held_until - session.start_at))


# Scheduling's own reactions, wired by the app factory beside notifications': a waitlist is
# scheduling's business, and booking.py stays free of it (the waitlist books through booking,
# so booking calling back in here would make an import circle).
REACTIONS: events.Reactions = {
    events.SessionCancelled: [lambda e: _session_freed(e.session)],
    events.SessionMoved: [lambda e: _session_moved(e.session, e.moved_from)],
    events.CourseCancelled: [lambda e: [_session_freed(s) for s in e.sessions]],
    events.ShiftsAdded: [lambda e: [offer_freed_time(start, end) for start, end in e.spans]],
}


def _waiting_between(first_day: date, last_day: date, now: datetime) -> list[WaitlistEntry]:
    """Entries waiting for a day in this range with no offer open now, oldest first."""
    open_offer = select(WaitlistOffer.id).where(WaitlistOffer.entry_id == WaitlistEntry.id,
                                                WaitlistOffer.outcome == OPEN, WaitlistOffer.expires_at > now)
    return list(db.session.scalars(
        select(WaitlistEntry).where(WaitlistEntry.status == WAITING, WaitlistEntry.earliest <= last_day,
                                    WaitlistEntry.latest >= first_day, ~open_offer.exists())
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)))


def _free_starts(treatment_type_id: int, start: datetime, end: datetime) -> list[Slot]:
    try:
        return booking.availability(treatment_type_id, start, end)
    except NotFound:  # the treatment type was taken out of use: nobody waiting for it is offered
        return []


def _busy_that_day(patient_id: int, slot: Slot, hours) -> bool:
    """A patient has one session a day at most (booking would refuse a second)."""
    return db.session.scalar(select(Appointment.id).where(
        Appointment.patient_id == patient_id, Appointment.local_date == hours.local_date(slot.start),
        Appointment.status.in_(HOLDING)).limit(1)) is not None


def _window(entry: WaitlistEntry) -> Window:
    return Window(entry.earliest, entry.latest,
                  parse_clock(entry.from_time) if entry.from_time else None,
                  parse_clock(entry.until_time) if entry.until_time else None)


# --- Taking an offer -------------------------------------------------------------------------

def take_offer(offer_id: int) -> WaitlistOffer:
    """Book the offered time for the offer's patient, or OfferClosed saying why not (and then
    nothing is booked)."""
    same_time = _lock_offers_of_the_same_time(offer_id)
    offer = next(o for o in same_time if o.id == offer_id)
    now = clock.now()
    outcome = offer_outcome(offer.outcome, offer.expires_at, now)
    if outcome != OPEN:
        db.session.rollback()
        raise OfferClosed(outcome)
    entry = offer.entry
    if entry.status != WAITING:
        db.session.rollback()
        raise OfferClosed(WITHDRAWN)
    _close_open_offers([o for o in same_time if o.entry_id != entry.id], GONE, now)
    _close_open_offers([o for o in entry.offers if o.id != offer.id], WITHDRAWN, now)
    offer.outcome, offer.updated_at = BOOKED, now
    entry.status, entry.updated_at = BOOKED, now
    audit.record("waitlist.take", "waitlist_offer", offer.id, entry_id=entry.id)
    try:  # commits the offer's outcome with the booking, or rolls both back
        booking.book_appointment(entry.patient_id, entry.treatment_type_id, offer.start_at, offer.chair_id)
    except (SchedulingError, NotFound) as refused:
        db.session.rollback()
        _mark_gone(offer_id)
        raise OfferClosed(GONE, getattr(refused, "message", str(refused))) from None
    return offer


def take_entry_offer(entry_id: int, offer_id: int) -> WaitlistOffer:
    """Take one of this entry's offers, for a patient who phones: an offer made to someone
    else is not found, so the desk cannot book one patient's offer for another."""
    if offer_id not in {offer.id for offer in get_entry(entry_id).offers}:
        raise NotFound("offer of this entry", "offer_id")
    return take_offer(offer_id)


def get_offer(offer_id: int) -> WaitlistOffer:
    offer = db.session.get(WaitlistOffer, offer_id)
    if offer is None:
        raise NotFound("waitlist offer")
    return offer


def _lock_offers_of_the_same_time(offer_id: int) -> list[WaitlistOffer]:
    """Every offer of the offer's time and chair, locked in id order: whoever takes one of them
    first makes the others wait here, then find theirs gone."""
    time_and_chair = db.session.execute(select(WaitlistOffer.start_at, WaitlistOffer.chair_id)
                                        .where(WaitlistOffer.id == offer_id)).one_or_none()
    if time_and_chair is None:
        raise NotFound("waitlist offer")
    start_at, chair_id = time_and_chair
    return list(db.session.scalars(
        select(WaitlistOffer).where(WaitlistOffer.start_at == start_at, WaitlistOffer.chair_id == chair_id)
        .order_by(WaitlistOffer.id).with_for_update().execution_options(populate_existing=True)))


def _mark_gone(offer_id: int) -> None:
    """The time was booked some other way first: the offer is gone, for the desk to see."""
    offer = get_offer(offer_id)
    if offer.outcome == OPEN:
        offer.outcome, offer.updated_at = GONE, clock.now()
        db.session.commit()


def _close_open_offers(offers, outcome: str, now: datetime) -> None:
    for offer in offers:
        if offer.outcome == OPEN:
            offer.outcome, offer.updated_at = outcome, now


def _today(clinic: Clinic) -> date:
    return scheduling_rules(clinic).hours.local_date(clock.now())
