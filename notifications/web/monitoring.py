"""Monitoring pages: open alerts, the inbox of texts to read, a patient's check-in scores and
questionnaire totals over time, today's clinic (with readings, discharge and the monitoring forms
to file), and messages that failed to arrive.

The same role rule as the API's check-ins and alerts (CLINICAL: admin and monitoring) for every
page here, since each shows what patients told the clinic or how to reach them about it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from notifications.services import alerts as alert_service, inbox as inbox_service, monitoring_views
from notifications.api import AcknowledgeSchema

from scheduler import clock
from scheduler.api.access import CLINICAL
from scheduler.api.schemas.observation import CompleteSchema, FiledSchema, NewObservationSchema
from scheduler.engine.observation import values_of, words_for
from scheduler.extensions import db
from scheduler.services import booking, observations
from scheduler.services.clinic import find_clinic
from scheduler.services.errors import Conflict
from scheduler.services.patients import get_patient
from scheduler.services.today import clinic_day
from scheduler.web import forms
from scheduler.web.access import page_for
from scheduler.web.display import clinic_time, clinic_zone
from scheduler.web.pages import web_blueprint
from notifications.engine.questionnaires import INSTRUMENTS
from notifications.services import questionnaires as questionnaire_service
from notifications.web.score_chart import Answer, ScoreChart, score_chart, totals_chart

bp = web_blueprint("monitoring", __name__, url_prefix="/monitoring")

FOLLOW_UP_DAYS = 14  # older failures have been dealt with or are past helping


@bp.get("/alerts")
@page_for(*CLINICAL)
def alerts():
    return _alerts_page()


@bp.post("/alerts/<id:alert_id>/acknowledge")
@page_for(*CLINICAL)
def acknowledge(alert_id: int):
    refused = _save_note(alert_id, alert_service.acknowledge, _alerts_page, _already_acknowledged)
    if refused:
        return refused
    flash("Alert acknowledged.")
    return redirect(url_for(".alerts"), 303)


def _save_note(item_id: int, save, page, already):
    """Post a staff note on an alert or an inbox text; the page again with why, when refused."""
    data, problems = forms.read(AcknowledgeSchema(), request.form)
    if problems:
        return page(_note_problems(item_id, problems), {item_id: request.form.get("note", "")}), 422
    try:
        save(item_id, data["note"])
    except Conflict:
        db.session.rollback()  # let go of the row lock; nothing changed
        return page({forms.FORM: already(item_id)}), 409
    return None


def _alerts_page(problems: dict[str, str] | None = None, entered: dict[int, str] | None = None):
    return render_template("web/monitoring/alerts.html", open_alerts=monitoring_views.open_alerts(),
                           acknowledged=monitoring_views.recently_acknowledged(),
                           problems=problems or {}, entered=entered or {})


def _note_problems(alert_id: int, problems: dict[str, str]) -> dict[str, str]:
    """Keyed by the alert, since every open alert on the page has a note field of its own."""
    shown = {}
    for field, text in problems.items():
        if field == "note":
            shown[f"note-{alert_id}"] = f"Note: {text}"
        else:  # only a crafted post has other fields
            shown[forms.FORM] = f"{field}: {text}"
    return shown


def _already_acknowledged(alert_id: int) -> str:
    view = monitoring_views.alert_view(alert_id)
    if view is None or view.alert.acknowledged_at is None:
        return "This alert is already acknowledged; nothing was changed."
    return (f"This alert was already acknowledged by {view.acknowledged_by or 'someone'} on "
            f"{clinic_time(view.alert.acknowledged_at)}; nothing was changed.")


@bp.get("/patients/<id:patient_id>/check-ins")
@page_for(*CLINICAL)
def checkins(patient_id: int):
    patient = get_patient(patient_id)  # NotFound: the 404 page
    history = monitoring_views.checkin_history(patient_id)
    clinic = find_clinic()
    zone = clinic_zone()
    # A score's place in time is when the patient gave it; unanswered check-ins have none.
    answers = [Answer(c.responded_at, c.score) for c in history.checkins if c.responded_at]
    sessions, today = [s.start_at for s in history.sessions], clock.now().astimezone(zone).date()
    chart = score_chart(answers, sessions, clinic.alert_score_at_or_below if clinic else None, zone, today)
    answered = questionnaire_service.answered(patient_id)
    charts = [QuestionnaireChart(form.key, form.name, _alert_total(clinic, form.key), totals_chart(
        form, [Answer(q.completed_at, q.total) for q in answered if q.instrument == form.key], sessions,
        _alert_total(clinic, form.key), zone, today)) for form in INSTRUMENTS.values()]
    return render_template("web/monitoring/checkins.html", patient=patient, history=history,
                           chart=chart, threshold=clinic.alert_score_at_or_below if clinic else None,
                           questionnaire_charts=charts, questionnaires=answered,
                           names={key: form.name for key, form in INSTRUMENTS.items()})


@dataclass(frozen=True)
class QuestionnaireChart:
    key: str
    name: str
    alert_at: int | None
    chart: ScoreChart


def _alert_total(clinic, instrument: str) -> int | None:
    return getattr(clinic, f"{instrument}_alert_at", None) if clinic else None


@bp.get("/today")
@page_for(*CLINICAL)
def today():
    return _today_page()


def _today_page(problems: dict[str, str] | None = None):
    now = clock.now()
    day = now.astimezone(clinic_zone()).date()
    forms_to_file = []
    if find_clinic():  # a clinic not set up yet has no day to be due on
        forms_to_file = (observations.forms_shown(observations.list_forms(status="overdue"))
                         + observations.forms_shown(observations.list_forms(status="due")))
    return render_template("web/monitoring/today.html", day=day, now=now,
                           chairs=clinic_day(day, clinic_zone()), forms_to_file=forms_to_file,
                           problems=problems or {})


@bp.post("/today/<id:appointment_id>/readings")
@page_for(*CLINICAL)
def record_reading(appointment_id: int):
    """One reading from the small form beside a check: systolic and diastolic for a blood
    pressure, one value for any other check."""
    name = request.form.get("name", "")
    typed = {value: request.form.get(value, "").strip() for value in values_of(name)}
    try:
        reading = NewObservationSchema().load({"name": name, "values": typed})
        observations.record(appointment_id, **reading)
    except ValidationError as error:
        return _today_page({f"reading-{appointment_id}-{name}": _in_words(forms.flatten(error.messages))}), 422
    except forms.REFUSALS as error:
        return _refused(f"reading-{appointment_id}-{name}", error)
    flash(f"{words_for(name).capitalize()} recorded.")
    return redirect(url_for(".today", _anchor=f"session-{appointment_id}"), 303)


@bp.post("/today/<id:appointment_id>/discharge")
@page_for(*CLINICAL)  # monitoring staff and the admin: they may override, with a note
def discharge(appointment_id: int):
    data, problems = forms.read(CompleteSchema(), request.form)
    if problems:
        return _today_page({f"discharge-{appointment_id}": _in_words(problems)}), 422
    try:
        booking.change_status(appointment_id, "complete", override_note=data.get("override_note"))
    except forms.REFUSALS as error:
        return _refused(f"discharge-{appointment_id}", error)
    flash("The patient is discharged and the session completed.")
    return redirect(url_for(".today"), 303)


@bp.post("/forms/<id:form_id>/filed")
@page_for(*CLINICAL)
def form_filed(form_id: int):
    data, problems = forms.read(FiledSchema(), request.form)
    if problems:
        return _today_page({f"form-{form_id}": _in_words(problems)}), 422
    try:
        observations.mark_filed(form_id, data["reference"])
    except forms.REFUSALS as error:
        return _refused(f"form-{form_id}", error)
    flash("Monitoring form marked filed.")
    return redirect(url_for(".today", _anchor="monitoring-forms"), 303)


def _refused(key: str, error: Exception):
    """The Today page again, the service's refusal beside the form (keyed) that was sent."""
    return _today_page({key: _in_words(forms.refusal(error))}), forms.status_of(error)


def _in_words(problems: dict[str, str]) -> str:
    return "; ".join(f"{field.split('.')[-1].replace('_', ' ')}: {text}" if field != forms.FORM else text
                     for field, text in problems.items())


@bp.get("/failed-messages")
@page_for(*CLINICAL)
def failed_messages():
    since = clock.now() - timedelta(days=FOLLOW_UP_DAYS)
    return render_template("web/monitoring/failed_messages.html", days=FOLLOW_UP_DAYS,
                           messages=monitoring_views.messages_to_follow_up(since))


@bp.get("/inbox")
@page_for(*CLINICAL)
def inbox():
    return _inbox_page()


@bp.post("/inbox/<id:message_id>/done")
@page_for(*CLINICAL)
def inbox_done(message_id: int):
    refused = _save_note(message_id, inbox_service.mark_done, _inbox_page,
                         lambda _: "This text is already marked done; nothing was changed.")
    if refused:
        return refused
    flash("Marked done.")
    return redirect(url_for(".inbox"), 303)


def _inbox_page(problems: dict[str, str] | None = None, entered: dict[int, str] | None = None):
    return render_template("web/monitoring/inbox.html", items=monitoring_views.inbox_items(),
                           problems=problems or {}, entered=entered or {})
