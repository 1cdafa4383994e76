"""Availability, courses and appointments: the front desk's booking work."""
from flask.views import MethodView

from ..services import booking
from ..services.booking import CourseRequest
from ..services.appointments import list_appointments
from .blueprint import Blueprint
from .access import ALL_STAFF, BOOKERS, roles
from .paging import PAGES, QueryPage
from .schemas.booking import (
    AppointmentQuerySchema, AppointmentSchema, AvailabilityQuerySchema, CancelSchema,
    CoursePlanSchema, CourseCancelSchema, CourseRequestSchema, CourseSchema,
    NewAppointmentSchema, RescheduleSchema, SlotSchema,
)

blp = Blueprint("booking", __name__, url_prefix="/api/v1", description="Availability and booking")


def _course_request(fields: dict) -> CourseRequest:
    starts = fields.pop("starts", None)
    return CourseRequest(**fields, starts=tuple(starts) if starts else None)


@blp.route("/availability")
class Availability(MethodView):
    @roles(*ALL_STAFF)
    @blp.arguments(AvailabilityQuerySchema, location="query")
    @blp.response(200, SlotSchema(many=True))
    def get(self, query):
        return booking.availability(**query)


@blp.route("/courses/plan")
class CoursePlan(MethodView):
    @roles(*BOOKERS)
    @blp.arguments(CourseRequestSchema)
    @blp.response(200, CoursePlanSchema)
    def post(self, fields):
        slots = booking.plan(_course_request(fields))
        return {"appointments": [
            {"session_number": n, "start": s.start, "end": s.end, "chair_id": s.chair_id}
            for n, s in enumerate(slots, start=1)]}


@blp.route("/courses")
class Courses(MethodView):
    @roles(*BOOKERS)
    @blp.arguments(CourseRequestSchema)
    @blp.response(201, CourseSchema)
    def post(self, fields):
        return booking.book_course(_course_request(fields))


@blp.route("/courses/<id:course_id>")
class CourseById(MethodView):
    @roles(*ALL_STAFF)
    @blp.response(200, CourseSchema)
    def get(self, course_id):
        return booking.get_course(course_id)


@blp.route("/courses/<id:course_id>/cancel")
class CourseCancel(MethodView):
    @roles(*BOOKERS)
    @blp.arguments(CourseCancelSchema)
    @blp.response(200, CourseSchema)
    def post(self, fields, course_id):
        return booking.cancel_course(course_id, fields["reason"])


@blp.route("/appointments")
class Appointments(MethodView):
    @roles(*ALL_STAFF)
    @blp.arguments(AppointmentQuerySchema, location="query")
    @blp.response(200, AppointmentSchema(many=True))
    @blp.paginate(QueryPage, **PAGES)
    def get(self, query):
        return list_appointments(**query)

    @roles(*BOOKERS)
    @blp.arguments(NewAppointmentSchema)
    @blp.response(201, AppointmentSchema)
    def post(self, fields):
        return booking.book_appointment(**fields)


@blp.route("/appointments/<id:appointment_id>")
class AppointmentById(MethodView):
    @roles(*ALL_STAFF)
    @blp.response(200, AppointmentSchema)
    def get(self, appointment_id):
        return booking.get_appointment(appointment_id)


@blp.route("/appointments/<id:appointment_id>/reschedule")
class Reschedule(MethodView):
    @roles(*BOOKERS)
    @blp.arguments(RescheduleSchema)
    @blp.response(200, AppointmentSchema)
    def post(self, fields, appointment_id):
        return booking.reschedule(appointment_id, **fields)


@blp.route("/appointments/<id:appointment_id>/cancel")
class Cancel(MethodView):
    @roles(*BOOKERS)
    @blp.arguments(CancelSchema)
    @blp.response(200, AppointmentSchema)
    def post(self, fields, appointment_id):
        return booking.change_status(appointment_id, "cancel", fields["reason"])


def _status_change(action: str, allowed: tuple[str, ...]):
    """A view class for a status change that takes no body, e.g. check-in."""

    class StatusChange(MethodView):
        @roles(*allowed)
        @blp.response(200, AppointmentSchema)
        def post(self, appointment_id):
            return booking.change_status(appointment_id, action)

    StatusChange.__name__ = f"{action.title().replace('_', '')}Change"
    return StatusChange


for _path, _action, _allowed in (
    ("check-in", "check_in", BOOKERS),
    ("complete", "complete", ALL_STAFF),
    ("no-show", "no_show", BOOKERS),
):
    blp.add_url_rule(f"/appointments/<id:appointment_id>/{_path}",
                     view_func=_status_change(_action, _allowed))
