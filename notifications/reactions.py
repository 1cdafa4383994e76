"""How notifications react to what scheduling announces (scheduler.events): the messages each
change implies, written to the outbox in the same transaction; the refusal of settings a text
must not carry; the messages, replies and check-ins on a patient's page; the outbox's backlog
on /metrics. Wired by the app factory."""
from __future__ import annotations

from scheduler import events

from notifications.services import backlog, outbox, settings_checks
from notifications.web import patient_history

REACTIONS: events.Reactions = {
    events.SessionsBooked: [lambda e: outbox.sessions_booked(e.clinic, e.sessions, e.at)],
    events.SessionMoved: [lambda e: outbox.session_moved(e.clinic, e.session, e.moved_from, e.at)],
    events.SessionCancelled: [lambda e: outbox.session_cancelled(e.session, e.at)],
    events.CourseCancelled: [lambda e: outbox.course_cancelled(e.sessions, e.at)],
    events.SessionMissed: [lambda e: outbox.session_missed(e.session, e.at)],
    events.SessionCompleted: [lambda e: outbox.session_completed(e.clinic, e.session, e.at)],
    events.WaitlistOffered: [lambda e: outbox.waitlist_offered(e.offers, e.at)],
    events.ClinicSettingsChanging: [lambda e: settings_checks.refuse_telltale_clinic_texts(e.settings)],
    events.TreatmentTypeChanging: [lambda e: settings_checks.refuse_telltale_treatment_texts(e.settings)],
    events.PatientPageShown: [lambda e: patient_history.section(e.patient, e.clinical)],
    events.MetricsRead: [lambda e: backlog.measure(e.at)],
}
