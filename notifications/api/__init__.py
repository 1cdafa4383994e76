"""Staff's view of messages: which went out and what became of them, what patients texted back,
their check-in answers, and the alerts monitoring staff work through. Beside it, webhooks.py:
Twilio's calls. Views only: they translate HTTP to services and back."""
from flask import Flask
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from scheduler.api.access import ALL_STAFF, BOOKERS, CLINICAL, roles
from scheduler.api.blueprint import Blueprint
from scheduler.api.paging import PAGES, QueryPage, matching
from scheduler.api.schemas.fields import Id, Instant, Text
from scheduler.extensions import api

from notifications.engine.questionnaires import INSTRUMENTS
from notifications.services import alerts, checkins, inbox, patient_requests, questionnaires
from notifications.models import (ALERT_STATUSES, CHANNELS, INBOUND_KINDS, SEVERITIES, STATUSES, InboundMessage,
                     Notification)

blp = Blueprint("notifications", __name__, url_prefix="/api/v1", description="Messages to patients")


def init_app(app: Flask) -> None:
    """After scheduler.api.init_app, which sets up the API these routes join."""
    api.register_blueprint(blp)


class NotificationSchema(Schema):
    id = fields.Integer(metadata={"description": "the message's id", "example": 12})
    appointment_id = fields.Integer(allow_none=True, metadata={
        "description": "the session it is about; null for one about no session", "example": 17})
    patient_id = fields.Integer(metadata={"description": "who it goes to", "example": 4})
    channel = fields.String(validate=validate.OneOf(CHANNELS), metadata={"description": "sms or email",
                                                                        "example": "sms"})
    purpose = fields.String(metadata={
        "description": "confirmation, reminder, checkin, cancellation, reschedule, no_show, "
                       "questionnaire, questionnaire_reminder, ...",
        "example": "reminder"})
    rule_minutes = fields.Integer(allow_none=True, metadata={
        "description": "the rule behind it: minutes before the session (reminder) or after it (check-in)",
        "example": 1440})
    due_at = Instant(metadata={"description": "when it is to go out, in UTC", "example": "2026-03-01T13:00:00+00:00"})
    status = fields.String(metadata={"description": f"one of {', '.join(STATUSES)}", "example": "sent"})
    attempts = fields.Integer(metadata={"description": "how many times sending was tried", "example": 1})
    sent_at = Instant(allow_none=True, metadata={"description": "when the provider took it",
                                                 "example": "2026-03-01T13:00:02+00:00"})
    provider_message_id = fields.String(allow_none=True, metadata={
        "description": "Twilio's MessageSid, or the mail's Message-ID", "example": "SM0123456789abcdef0123456789abcdef"})
    error = fields.String(allow_none=True, metadata={"description": "why it failed or was skipped",
                                                     "example": None})
    body = fields.String(allow_none=True, metadata={"description": "the text that went out",
                                                    "example": "Riverside Clinic: see you tomorrow at 9:00 AM. Reply C to confirm."})


class NotificationQuerySchema(Schema):
    appointment_id = Id(strict=False, metadata={"description": "only this session's"})
    patient_id = Id(strict=False, metadata={"description": "only this patient's"})
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": "only in this status"})


@blp.route("/notifications")
class Notifications(MethodView):
    @roles(*ALL_STAFF)
    @blp.arguments(NotificationQuerySchema, location="query")
    @blp.response(200, NotificationSchema(many=True))
    @blp.paginate(QueryPage, **PAGES)
    def get(self, query):
        """List the messages to patients, by when they are due

        Every text and email: what it is for, when it goes out, what became of it, and under
        the console channels the text itself (`body`).
        """
        return matching(select(Notification).order_by(Notification.due_at, Notification.id),
                        Notification, query)


class InboundMessageSchema(Schema):
    id = fields.Integer(metadata={"description": "the text's id", "example": 5})
    patient_id = fields.Integer(allow_none=True, metadata={"description": "none: a number not on file",
                                                           "example": 1})
    from_phone = fields.String(metadata={"description": "the sender's number, E.164 where it reads as one",
                                         "example": "+16175550101"})
    body = fields.String(metadata={"description": "what the patient wrote", "example": "C"})
    kind = fields.String(validate=validate.OneOf(INBOUND_KINDS), metadata={
        "description": "how it was read", "example": "confirm"})
    reply = fields.String(allow_none=True, metadata={"description": "what the service answered",
                                                     "example": "Riverside Clinic: thank you, your visit is confirmed."})
    received_at = Instant(metadata={"description": "when it arrived", "example": "2026-03-01T13:05:00+00:00"})


class InboundMessageQuerySchema(Schema):
    patient_id = Id(strict=False, metadata={"description": "only this patient's", "example": 1})
    kind = fields.String(validate=validate.OneOf(INBOUND_KINDS), metadata={"description": "only texts read so",
                                                                           "example": "other"})


@blp.route("/inbound-messages")
class InboundMessages(MethodView):
    @roles(*ALL_STAFF)
    @blp.arguments(InboundMessageQuerySchema, location="query")
    @blp.response(200, InboundMessageSchema(many=True))
    @blp.paginate(QueryPage, **PAGES)
    def get(self, query):
        """List the texts patients sent, newest first

        With how each was read (confirmation, STOP, a check-in score, ...) and the reply sent.
        """
        newest_first = select(InboundMessage).order_by(InboundMessage.received_at.desc(),
                                                       InboundMessage.id.desc())
        return matching(newest_first, InboundMessage, query)


class CheckInSchema(Schema):
    id = fields.Integer(metadata={"description": "the check-in's id", "example": 2})
    appointment_id = fields.Integer(metadata={"description": "the session it follows", "example": 17})
    patient_id = fields.Integer(metadata={"description": "who was asked", "example": 4})
    sent_at = Instant(metadata={"description": "when the question went out", "example": "2026-03-03T15:00:00+00:00"})
    responded_at = Instant(allow_none=True, metadata={"description": "when the patient answered; null: not yet",
                                                      "example": "2026-03-03T15:20:00+00:00"})
    score = fields.Integer(allow_none=True, metadata={"description": "0 (worst) to 10 (best)", "example": 7})
    text = fields.String(allow_none=True, metadata={"description": "the reply as the patient wrote it",
                                                    "example": "7"})


class CheckInQuerySchema(Schema):
    patient_id = Id(strict=False, metadata={"description": "only this patient's", "example": 4})


@blp.route("/checkins")
class CheckIns(MethodView):
    @roles(*CLINICAL)
    @blp.arguments(CheckInQuerySchema, location="query")
    @blp.response(200, CheckInSchema(many=True))
    @blp.paginate(QueryPage, **PAGES)
    def get(self, query):
        """List the check-in questions sent after sessions, and their answers, newest first"""
        return checkins.list_checkins(query.get("patient_id"))


class AlertSchema(Schema):
    id = fields.Integer(metadata={"description": "the alert's id", "example": 1})
    patient_id = fields.Integer(allow_none=True, metadata={"description": "none: a number not on file",
                                                           "example": 4})
    checkin_id = fields.Integer(allow_none=True, metadata={"description": "the check-in answer that opened it",
                                                           "example": 2})
    questionnaire_id = fields.Integer(allow_none=True, metadata={
        "description": "the questionnaire whose answers opened it", "example": None})
    inbound_message_id = fields.Integer(allow_none=True, metadata={"description": "the text that opened it",
                                                                   "example": 5})
    severity = fields.String(validate=validate.OneOf(SEVERITIES), metadata={
        "description": "urgent: words of self-harm, or PHQ-9 item 9 above 0; high: a low check-in "
                       "score or a questionnaire total at the clinic's line", "example": "high"})
    reason = fields.String(metadata={"description": "why it opened, in words",
                                     "example": "check-in score 2 (alert at 3 or below)"})
    status = fields.String(validate=validate.OneOf(ALERT_STATUSES), metadata={"description": "open or acknowledged",
                                                                              "example": "open"})
    created_at = Instant(metadata={"description": "when it opened", "example": "2026-03-03T15:20:00+00:00"})
    acknowledged_by = fields.Integer(allow_none=True, metadata={"description": "staff id", "example": None})
    acknowledged_at = Instant(allow_none=True, metadata={"description": "when it was taken on", "example": None})
    note = fields.String(allow_none=True, metadata={"description": "what was done, as staff wrote it",
                                                    "example": None})
    escalated_at = Instant(allow_none=True, metadata={"description": "when on-call was emailed", "example": None})


class AlertQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(ALERT_STATUSES), metadata={"description": "only in this status",
                                                                              "example": "open"})
    patient_id = Id(strict=False, metadata={"description": "only this patient's", "example": 4})


class AcknowledgeSchema(Schema):
    note = Text(2000, allow_none=True, load_default=None,
                metadata={"description": "what was done, e.g. called the patient",
                          "example": "called the patient: feeling better, seen tomorrow"})


@blp.route("/alerts")
class Alerts(MethodView):
    @roles(*CLINICAL)
    @blp.arguments(AlertQuerySchema, location="query")
    @blp.response(200, AlertSchema(many=True))
    @blp.paginate(QueryPage, **PAGES)
    def get(self, query):
        """List alerts: urgent ones first, then the longest waiting

        Opened by a low check-in score or words of self-harm in a text.
        """
        return alerts.list_alerts(query.get("status"), query.get("patient_id"))


@blp.route("/alerts/<id:alert_id>/acknowledge")
class AcknowledgeAlert(MethodView):
    @roles(*CLINICAL)
    @blp.arguments(AcknowledgeSchema)
    @blp.response(200, AlertSchema)
    @blp.error_response(404, "no alert has this id")
    @blp.error_response(409, "the alert is already acknowledged")
    def post(self, body, alert_id):
        """Acknowledge an alert

        Records who took it on, when, and the note.
        """
        return alerts.acknowledge(alert_id, body["note"])


class PatientRequestSchema(Schema):
    id = fields.Integer(metadata={"description": "the request's id", "example": 1})
    appointment_id = fields.Integer(metadata={"description": "the session it is about", "example": 17})
    patient_id = fields.Integer(metadata={"description": "who asked", "example": 4})
    kind = fields.String(metadata={"description": "reschedule or cancel: the patient asks to be called",
                                   "example": "reschedule"})
    created_at = Instant(metadata={"description": "when the patient asked", "example": "2026-03-01T18:00:00+00:00"})
    handled_at = Instant(allow_none=True, metadata={"description": "when the front desk called back",
                                                    "example": None})
    handled_by = fields.Integer(allow_none=True, metadata={"description": "staff id", "example": None})


class PatientRequestQuerySchema(Schema):
    open = fields.Boolean(load_default=True, metadata={"description": "true: only those not yet handled",
                                                       "example": True})
    patient_id = Id(strict=False, metadata={"description": "only this patient's", "example": 4})


@blp.route("/patient-requests")
class PatientRequests(MethodView):
    @roles(*BOOKERS)
    @blp.arguments(PatientRequestQuerySchema, location="query")
    @blp.response(200, PatientRequestSchema(many=True))
    @blp.paginate(QueryPage, **PAGES)
    def get(self, query):
        """List what patients asked for through their links, oldest first

        To be called to change or cancel a session; open requests only unless `open=false`.
        """
        return patient_requests.list_requests(query["open"], query.get("patient_id"))


@blp.route("/patient-requests/<id:request_id>/handle")
class HandlePatientRequest(MethodView):
    @roles(*BOOKERS)
    @blp.response(200, PatientRequestSchema)
    @blp.error_response(404, "no patient request has this id")
    @blp.error_response(409, "someone already handled this request")
    def post(self, request_id):
        """Mark a patient's request handled: the front desk called the patient back"""
        return patient_requests.mark_handled(request_id)


class QuestionnaireSchema(Schema):
    id = fields.Integer(metadata={"description": "the questionnaire's id", "example": 3})
    patient_id = fields.Integer(metadata={"description": "who it went to", "example": 4})
    appointment_id = fields.Integer(allow_none=True, metadata={
        "description": "the session it was sent for", "example": 17})
    instrument = fields.String(validate=validate.OneOf(tuple(INSTRUMENTS)), metadata={
        "description": "phq9 or gad7", "example": "phq9"})
    sent_at = Instant(metadata={"description": "when its link first went out",
                                "example": "2026-03-01T14:00:00+00:00"})
    completed_at = Instant(allow_none=True, metadata={"description": "when the patient answered; null: not yet",
                                                      "example": "2026-03-01T18:02:00+00:00"})
    answers = fields.List(fields.Integer(), allow_none=True, metadata={
        "description": "each item's score, 0 (not at all) to 3 (nearly every day), in order",
        "example": [1, 2, 1, 2, 0, 1, 1, 0, 0]})
    total = fields.Integer(allow_none=True, metadata={"description": "the sum of the answers", "example": 8})
    severity = fields.String(allow_none=True, metadata={
        "description": "the total's band: minimal, mild, moderate, moderately severe (PHQ-9), severe",
        "example": "mild"})


class QuestionnaireQuerySchema(Schema):
    patient_id = Id(strict=False, metadata={"description": "only this patient's", "example": 4})


@blp.route("/questionnaires")
class Questionnaires(MethodView):
    @roles(*CLINICAL)
    @blp.arguments(QuestionnaireQuerySchema, location="query")
    @blp.response(200, QuestionnaireSchema(many=True))
    @blp.paginate(QueryPage, **PAGES)
    def get(self, query):
        """List the PHQ-9 and GAD-7 forms sent to patients, and their answers, newest first

        Sent by signed link by the clinic's `questionnaire_rules`; `total` and `severity` once answered.
        """
        return questionnaires.list_questionnaires(query.get("patient_id"))


class InboxItemSchema(InboundMessageSchema):
    inbox = fields.String(metadata={"description": "open: still to read; done: read and dealt with",
                                    "example": "open"})
    done_at = Instant(allow_none=True, metadata={"description": "when it was marked done", "example": None})
    done_by = fields.Integer(allow_none=True, metadata={"description": "staff id", "example": None})
    done_note = fields.String(allow_none=True, metadata={"description": "what was done, as staff wrote it",
                                                         "example": None})


class NoFiltersSchema(Schema):
    """A list that takes no filters: any query argument but the page's is refused (422)."""


@blp.route("/inbox")
class Inbox(MethodView):
    @roles(*CLINICAL)
    @blp.arguments(NoFiltersSchema, location="query")
    @blp.response(200, InboxItemSchema(many=True))
    @blp.paginate(QueryPage, **PAGES)
    def get(self, _no_filters):
        """List the texts still to read, oldest first

        Every text that was neither a command (C, STOP, HELP, ...) nor an awaited answer.
        """
        return inbox.open_items()


@blp.route("/inbox/<id:message_id>/done")
class InboxDone(MethodView):
    @roles(*CLINICAL)
    @blp.arguments(AcknowledgeSchema)  # the same note as an alert's
    @blp.response(200, InboxItemSchema)
    @blp.error_response(404, "no text in the inbox has this id")
    @blp.error_response(409, "the text is already marked done")
    def post(self, body, message_id):
        """Mark a text in the inbox read and dealt with, with a note"""
        return inbox.mark_done(message_id, body["note"])
