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
    NewAppointmentSchema, ReplacementSchema, RescheduleSchema, SlotSchema,
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
    @blp.error_response(409, "the clinic is not set up yet")
    def get(self, query):
        """Find free times for a treatment type

        One slot per start time on the clinic's slot grid, on the first free chair (or only
        `chair_id`), within opening hours, for at most 31 days at a time.
        """
        return booking.availability(**query)


@blp.route("/courses/plan")
class CoursePlan(MethodView):
    @roles(*BOOKERS)
    @blp.arguments(CourseRequestSchema)
    @blp.response(200, CoursePlanSchema)
    @blp.error_response(409, "no schedule fits (chairs taken, the patient busy), the patient "
                             "already has a running course of this kind, or the clinic is not set up")
    def post(self, fields):
        """Plan a course without booking it

        The sessions `POST /courses` would book for the same body, to show the patient first.
        """
        slots = booking.plan(_course_request(fields))
        return {"appointments": [
            {"session_number": n, "start": s.start, "end": s.end, "chair_id": s.chair_id}
            for n, s in enumerate(slots, start=1)]}


@blp.route("/courses")
class Courses(MethodView):
    @roles(*BOOKERS)
    @blp.arguments(CourseRequestSchema)
    @blp.response(201, CourseSchema)
    @blp.error_response(409, "a time in `starts` is taken, no schedule fits, the patient already "
                             "has a running course of this kind, or the clinic is not set up")
    def post(self, fields):
        """Book a whole course at once, or nothing

        Without `starts` the earliest schedule that fits the course's rules is booked (planned
        afresh, up to three times, when a rival takes one of its slots first). The patient gets
        a confirmation by the channels they agreed to.
        """
        return booking.book_course(_course_request(fields))


@blp.route("/courses/<id:course_id>")
class CourseById(MethodView):
    @roles(*ALL_STAFF)
    @blp.response(200, CourseSchema)
    @blp.error_response(404, "no course has this id")
    def get(self, course_id):
        """Read a course and its sessions"""
        return booking.get_course(course_id)


@blp.route("/courses/<id:course_id>/cancel")
class CourseCancel(MethodView):
    @roles(*BOOKERS)
    @blp.arguments(CourseCancelSchema)
    @blp.response(200, CourseSchema)
    @blp.error_response(404, "no course has this id")
    @blp.error_response(409, "the course is already cancelled")
    def post(self, fields, course_id):
        """Cancel a course: every session still to come is cancelled"""
        return booking.cancel_course(course_id, fields["reason"])


@blp.route("/courses/<id:course_id>/sessions")
class CourseSessions(MethodView):
    @roles(*BOOKERS)
    @blp.arguments(ReplacementSchema)
    @blp.response(201, AppointmentSchema)
    @blp.error_response(404, "no course has this id")
    @blp.error_response(409, "the course is not short of a session, or the time is taken (chair, "
                             "the patient's day, staff cover)")
    def post(self, fields, course_id):
        """Book a replacement for a cancelled or missed session of a course

        Only while the course is active and short of the sessions it was booked with
        (`sessions_short`). The replacement keeps the course's `min_gap_hours` from its other
        sessions (else 422 on `start`), and the course's sessions are numbered again in time order.
        """
        return booking.book_into_course(course_id, fields["start"])


@blp.route("/appointments")
class Appointments(MethodView):
    @roles(*ALL_STAFF)
    @blp.arguments(AppointmentQuerySchema, location="query")
    @blp.response(200, AppointmentSchema(many=True))
    @blp.paginate(QueryPage, **PAGES)
    def get(self, query):
        """List sessions, by start time

        Filter by a span of time, patient, chair or status. Pages of 100 (`page`,
        `page_size`); the X-Pagination header tells the total.
        """
        return list_appointments(**query)

    @roles(*BOOKERS)
    @blp.arguments(NewAppointmentSchema)
    @blp.response(201, AppointmentSchema)
    @blp.error_response(409, "the slot is taken, the patient has a session that day, or the "
                             "clinic is not set up")
    def post(self, fields):
        """Book one session: a maintenance or make-up session outside a course"""
        return booking.book_appointment(**fields)


@blp.route("/appointments/<id:appointment_id>")
class AppointmentById(MethodView):
    @roles(*ALL_STAFF)
    @blp.response(200, AppointmentSchema)
    @blp.error_response(404, "no appointment has this id")
    def get(self, appointment_id):
        """Read one session"""
        return booking.get_appointment(appointment_id)


@blp.route("/appointments/<id:appointment_id>/reschedule")
class Reschedule(MethodView):
    @roles(*BOOKERS)
    @blp.arguments(RescheduleSchema)
    @blp.response(200, AppointmentSchema)
    @blp.error_response(404, "no appointment has this id")
    @blp.error_response(409, "the new time is taken, or the session has started or ended")
    def post(self, fields, appointment_id):
        """Move a session to another time or chair

        Only before it starts; the patient is asked to confirm again. An induction session
        keeps its course's `min_gap_hours` from the course's other sessions (else 422 on `start`);
        the course's sessions are then numbered again in time order.
        """
        return booking.reschedule(appointment_id, **fields)


@blp.route("/appointments/<id:appointment_id>/cancel")
class Cancel(MethodView):
    @roles(*BOOKERS)
    @blp.arguments(CancelSchema)
    @blp.response(200, AppointmentSchema)
    @blp.error_response(404, "no appointment has this id")
    @blp.error_response(409, "the session is already cancelled, ended or marked")
    def post(self, fields, appointment_id):
        """Cancel a session, with a reason; allowed until it ends"""
        return booking.change_status(appointment_id, "cancel", fields["reason"])


def _status_change(action: str, allowed: tuple[str, ...], summary: str):
    """A view class for a status change that takes no body, e.g. check-in."""

    class StatusChange(MethodView):
        @roles(*allowed)
        @blp.response(200, AppointmentSchema)
        @blp.error_response(404, "no appointment has this id")
        @blp.error_response(409, "the session's status or the time of day does not allow it")
        def post(self, appointment_id):
            return booking.change_status(appointment_id, action)

    StatusChange.__name__ = f"{action.title().replace('_', '')}Change"
    StatusChange.post.__doc__ = summary  # the operation's summary in the OpenAPI document
    return StatusChange


for _path, _action, _allowed, _summary in (
    ("check-in", "check_in", BOOKERS,
     "Check the patient in: from 4 hours before the start until the session's end"),
    ("no-show", "no_show", BOOKERS, "Mark a session missed: only once its start has passed"),
):
    blp.add_url_rule(f"/appointments/<id:appointment_id>/{_path}",
                     view_func=_status_change(_action, _allowed, _summary))
