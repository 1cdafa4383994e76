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

from notifications.services import alerts, checkins, patient_requests
from notifications.models import (ALERT_STATUSES, CHANNELS, INBOUND_KINDS, SEVERITIES, STATUSES, InboundMessage,
                     Notification)

blp = Blueprint("notifications", __name__, url_prefix="/api/v1", description="Messages to patients")


def init_app(app: Flask) -> None:
    """After scheduler.api.init_app, which sets up the API these routes join."""
    api.register_blueprint(blp)


class NotificationSchema(Schema):
    id = fields.Integer()
    appointment_id = fields.Integer(allow_none=True)
    patient_id = fields.Integer()
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    purpose = fields.String()
    rule_minutes = fields.Integer(allow_none=True, metadata={
        "description": "the rule behind it: minutes before the session (reminder) or after it (check-in)"})
    due_at = Instant()
    status = fields.String()
    attempts = fields.Integer()
    sent_at = Instant(allow_none=True)
    provider_message_id = fields.String(allow_none=True)
    error = fields.String(allow_none=True, metadata={"description": "why it failed or was skipped"})
    body = fields.String(allow_none=True, metadata={"description": "the text that went out"})


class NotificationQuerySchema(Schema):
    appointment_id = Id(strict=False)
    patient_id = Id(strict=False)
    status = fields.String(validate=validate.OneOf(STATUSES))


@blp.route("/notifications")
class Notifications(MethodView):
    @roles(*ALL_STAFF)
    @blp.arguments(NotificationQuerySchema, location="query")
    @blp.response(200, NotificationSchema(many=True))
    @blp.paginate(QueryPage, **PAGES)
    def get(self, query):
        return matching(select(Notification).order_by(Notification.due_at, Notification.id),
                        Notification, query)


class InboundMessageSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer(allow_none=True, metadata={"description": "none: a number not on file"})
    from_phone = fields.String()
    body = fields.String(metadata={"description": "what the patient wrote"})
    kind = fields.String(validate=validate.OneOf(INBOUND_KINDS))
    reply = fields.String(allow_none=True, metadata={"description": "what the service answered"})
    received_at = Instant()


class InboundMessageQuerySchema(Schema):
    patient_id = Id(strict=False)
    kind = fields.String(validate=validate.OneOf(INBOUND_KINDS))


@blp.route("/inbound-messages")
class InboundMessages(MethodView):
    @roles(*ALL_STAFF)
    @blp.arguments(InboundMessageQuerySchema, location="query")
    @blp.response(200, InboundMessageSchema(many=True))
    @blp.paginate(QueryPage, **PAGES)
    def get(self, query):
        """Texts patients sent, newest first."""
        newest_first = select(InboundMessage).order_by(InboundMessage.received_at.desc(),
                                                       InboundMessage.id.desc())
        return matching(newest_first, InboundMessage, query)


class CheckInSchema(Schema):
    id = fields.Integer()
    appointment_id = fields.Integer()
    patient_id = fields.Integer()
    sent_at = Instant()
    responded_at = Instant(allow_none=True)
    score = fields.Integer(allow_none=True, metadata={"description": "0 (worst) to 10 (best)"})
    text = fields.String(allow_none=True, metadata={"description": "the reply as the patient wrote it"})


class CheckInQuerySchema(Schema):
    patient_id = Id(strict=False)


@blp.route("/checkins")
class CheckIns(MethodView):
    @roles(*CLINICAL)
    @blp.arguments(CheckInQuerySchema, location="query")
    @blp.response(200, CheckInSchema(many=True))
    @blp.paginate(QueryPage, **PAGES)
    def get(self, query):
        """Check-in questions sent after sessions and their answers, newest first."""
        return checkins.list_checkins(query.get("patient_id"))


class AlertSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer(allow_none=True, metadata={"description": "none: a number not on file"})
    checkin_id = fields.Integer(allow_none=True)
    inbound_message_id = fields.Integer(allow_none=True)
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    reason = fields.String()
    status = fields.String(validate=validate.OneOf(ALERT_STATUSES))
    created_at = Instant()
    acknowledged_by = fields.Integer(allow_none=True, metadata={"description": "staff id"})
    acknowledged_at = Instant(allow_none=True)
    note = fields.String(allow_none=True)
    escalated_at = Instant(allow_none=True, metadata={"description": "when on-call was emailed"})


class AlertQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(ALERT_STATUSES))
    patient_id = Id(strict=False)


class AcknowledgeSchema(Schema):
    note = Text(2000, allow_none=True, load_default=None,
                metadata={"description": "what was done, e.g. called the patient"})


@blp.route("/alerts")
class Alerts(MethodView):
    @roles(*CLINICAL)
    @blp.arguments(AlertQuerySchema, location="query")
    @blp.response(200, AlertSchema(many=True))
    @blp.paginate(QueryPage, **PAGES)
    def get(self, query):
        """Urgent alerts first, then the longest waiting."""
        return alerts.list_alerts(query.get("status"), query.get("patient_id"))


@blp.route("/alerts/<id:alert_id>/acknowledge")
class AcknowledgeAlert(MethodView):
    @roles(*CLINICAL)
    @blp.arguments(AcknowledgeSchema)
    @blp.response(200, AlertSchema)
    def post(self, body, alert_id):
        """Take the alert on: records who, when and the note; 409 if already acknowledged."""
        return alerts.acknowledge(alert_id, body["note"])


class PatientRequestSchema(Schema):
    id = fields.Integer()
    appointment_id = fields.Integer()
    patient_id = fields.Integer()
    kind = fields.String(metadata={"description": "reschedule or cancel: the patient asks to be called"})
    created_at = Instant()
    handled_at = Instant(allow_none=True)
    handled_by = fields.Integer(allow_none=True)


class PatientRequestQuerySchema(Schema):
    open = fields.Boolean(load_default=True)
    patient_id = Id(strict=False)


@blp.route("/patient-requests")
class PatientRequests(MethodView):
    @roles(*BOOKERS)
    @blp.arguments(PatientRequestQuerySchema, location="query")
    @blp.response(200, PatientRequestSchema(many=True))
    @blp.paginate(QueryPage, **PAGES)
    def get(self, query):
        """What patients asked for through their links; open ones by default, oldest first."""
        return patient_requests.list_requests(query["open"], query.get("patient_id"))


@blp.route("/patient-requests/<id:request_id>/handle")
class HandlePatientRequest(MethodView):
    @roles(*BOOKERS)
    @blp.response(200, PatientRequestSchema)
    def post(self, request_id):
        """The front desk called the patient back; 409 if someone already did."""
        return patient_requests.mark_handled(request_id)
