"""How notifications react to what scheduling announces (scheduler.events): the messages each
change implies, written to the outbox in the same transaction. Wired by the app factory."""
from __future__ import annotations

from scheduler import events

from notifications.services import outbox

REACTIONS: events.Reactions = {
    events.SessionsBooked: [lambda e: outbox.sessions_booked(e.clinic, e.sessions, e.at)],
    events.SessionMoved: [lambda e: outbox.session_moved(e.clinic, e.session, e.at)],
    events.SessionCancelled: [lambda e: outbox.session_cancelled(e.session, e.at)],
    events.CourseCancelled: [lambda e: outbox.course_cancelled(e.sessions, e.at)],
    events.SessionMissed: [lambda e: outbox.session_missed(e.session, e.at)],
    events.SessionCompleted: [lambda e: outbox.session_completed(e.clinic, e.session, e.at)],
}
