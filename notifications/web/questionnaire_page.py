"""The page a questionnaire's link opens: the PHQ-9 or GAD-7 in its published words, one tap an
answer, sized for a phone; no sign-in.

Saving scores the answers and opens any alert they call for in the same request; an answer of
more than 0 to the self-harm item shows the clinic's crisis text at once. A tampered, expired or
already answered link shows a plain page and changes nothing. Like the other patient pages it
names no one: a forwarded link tells nothing about whose form it is.
"""
from __future__ import annotations

from flask import Blueprint, render_template, request

from scheduler import clock
from scheduler.extensions import db
from scheduler.models import Clinic
from scheduler.models.clinic import DEFAULT_CRISIS_TEXT

from notifications.engine import questionnaires as forms
from notifications.models import Questionnaire
from notifications.services.patient_links import LinkInvalid, questionnaire_id_from
from notifications.services.questionnaires import FormClosed, save_answers, why_closed
from notifications.web.patient_page import page_facts, private_page_headers

bp = Blueprint("questionnaire_page", __name__, template_folder="templates")
bp.after_request(private_page_headers)
THANKS = "Thank you: your answers are with the clinic."


@bp.route("/q/<token>", methods=["GET", "POST"])
def form_page(token: str):
    clinic = db.session.get(Clinic, 1)
    try:
        form = db.session.get(Questionnaire, questionnaire_id_from(token))
    except LinkInvalid as invalid:
        return _page(clinic, problem=invalid.why), 400
    if form is None:
        return _page(clinic, problem="This form is no longer on our books. Please call the clinic."), 404
    closed = why_closed(form, clock.now())
    if closed:
        return _page(clinic, problem=closed), 409 if form.completed_at else 410
    if request.method == "GET":
        return _page(clinic, form)
    answers, missing = _read(form.instrument)
    if missing:
        return _page(clinic, form, answers=answers, missing=missing), 400
    try:
        form, result = save_answers(form.id, answers, clock.now())
    except FormClosed as late:  # answered in another tab a moment ago
        return _page(clinic, problem=late.why), 409
    crisis = (clinic.crisis_text if clinic else None) or DEFAULT_CRISIS_TEXT
    return _page(clinic, done=THANKS, crisis=crisis if result.self_harm else None)


def _read(instrument: str) -> tuple[list[int | None], list[int]]:
    """Each item's answer (None: not answered or not one of the four), and which are missing."""
    answers = []
    for number in range(1, len(forms.INSTRUMENTS[instrument].items) + 1):
        raw = request.form.get(f"item{number}", "")
        answers.append(int(raw) if raw in ("0", "1", "2", "3") else None)
    return answers, [n for n, a in enumerate(answers, 1) if a is None]


def _page(clinic: Clinic | None, form: Questionnaire | None = None, *, problem: str | None = None,
          done: str | None = None, crisis: str | None = None, answers: list | None = None,
          missing: list[int] | None = None) -> str:
    facts = {**page_facts(clinic, problem, done), "crisis": crisis}
    if form is not None:
        instrument = forms.INSTRUMENTS[form.instrument]
        facts.update(question=instrument.question, items=instrument.items, choices=forms.ANSWERS,
                     answers=answers or [None] * len(instrument.items), missing=missing or [])
    return render_template("questionnaire_page.html", **facts)
