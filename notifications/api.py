"""Staff's view of the outbox: which messages went out, when, and what became of them."""
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from scheduler.api.access import ALL_STAFF, roles
from scheduler.api.blueprint import Blueprint
from scheduler.api.paging import QueryPage
from scheduler.api.schemas.fields import Id, Instant

from .models import CHANNELS, STATUSES, Notification

blp = Blueprint("notifications", __name__, url_prefix="/api/v1", description="Messages to patients")


class NotificationSchema(Schema):
    id = fields.Integer()
    appointment_id = fields.Integer(allow_none=True)
    patient_id = fields.Integer()
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    purpose = fields.String()
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
    @blp.paginate(QueryPage, page_size=100, max_page_size=1000)
    def get(self, query):
        listing = select(Notification).order_by(Notification.due_at, Notification.id)
        for field, value in query.items():
            listing = listing.where(getattr(Notification, field) == value)
        return listing
