"""The page a waitlist offer's link opens: the freed time and one button to book it; no sign-in.

The first patient to press it gets the time (scheduler.services.waitlist.take_offer); anyone
later, or after the offer expired, is told plainly and nothing is booked. Like the patient's
page, it names no one and no treatment: a forwarded link tells nothing.
"""
from __future__ import annotations

from flask import Blueprint, render_template, request

from scheduler.engine.waitlist import BOOKED, EXPIRED, GONE, OPEN, WITHDRAWN
from scheduler.extensions import db
from scheduler.models import Clinic, WaitlistOffer
from scheduler.services.waitlist import OfferClosed, shown_outcome, take_offer

from notifications.services.patient_links import LinkInvalid, offer_id_from
from notifications.web.patient_page import clinic_time, page_facts, private_page_headers

bp = Blueprint("waitlist_offer_page", __name__, template_folder="templates")
bp.after_request(private_page_headers)
CLOSED = {
    BOOKED: "This visit is booked for you. We will send you a confirmation.",
    GONE: "Sorry, this time has gone: someone booked it first. You are still on our waiting list.",
    WITHDRAWN: "This offer is no longer open. Please call the clinic if you would like a visit.",
    EXPIRED: "Sorry, this offer has expired. Please call the clinic if you would like a visit.",
}
TAKEN = "Thank you: this visit is booked for you. We will send you a confirmation."


@bp.route("/w/<token>", methods=["GET", "POST"])
def offer_page(token: str):
    clinic = db.session.get(Clinic, 1)
    try:
        offer = db.session.get(WaitlistOffer, offer_id_from(token))
    except LinkInvalid as invalid:
        return _page(clinic, problem=invalid.why), 400
    if offer is None:
        return _page(clinic, problem="This offer is no longer on our books. Please call the clinic."), 404
    if request.method == "POST":
        try:
            take_offer(offer.id)
        except OfferClosed as closed:
            return _page(clinic, offer, problem=CLOSED[closed.outcome]), 410 if closed.outcome == EXPIRED else 409
        return _page(clinic, offer, done=TAKEN)
    outcome = shown_outcome(offer)
    if outcome in (GONE, EXPIRED, WITHDRAWN):
        return _page(clinic, offer, problem=CLOSED[outcome]), 410
    return _page(clinic, offer, done=CLOSED[BOOKED] if outcome == BOOKED else None)


def _page(clinic: Clinic | None, offer: WaitlistOffer | None = None, problem: str | None = None,
          done: str | None = None) -> str:
    facts = page_facts(clinic, problem, done)
    if offer is not None and clinic is not None:
        facts.update(when=clinic_time(offer.start_at, clinic.timezone),
                     until=clinic_time(offer.expires_at, clinic.timezone),
                     can_take=problem is None and done is None and shown_outcome(offer) == OPEN)
    return render_template("waitlist_offer_page.html", **facts)
