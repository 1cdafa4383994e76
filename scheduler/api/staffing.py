"""Clinicians and their shifts: who is on site to cover each session."""
from flask.views import MethodView

from ..services import staffing as staffing_service
from .access import ALL_STAFF, roles
from .blueprint import Blueprint
from .schemas.staffing import (ClinicianSchema, ClinicianUpdateSchema, ShiftQuerySchema, ShiftRemovalQuerySchema, ShiftSchema,
                               UncoveredSchema, WeeklyShiftsSchema)

ADMIN = ("admin",)
UNCOVERED = "booked sessions would lose their cover; the answer lists them under `appointments`"
blp = Blueprint("staffing", __name__, url_prefix="/api/v1", description="Clinicians and their shifts")


@blp.route("/clinicians")
class Clinicians(MethodView):
    @roles(*ALL_STAFF)
    @blp.response(200, ClinicianSchema(many=True))
    def get(self):
        """List the clinicians, by role"""
        return staffing_service.list_clinicians()

    @roles(*ADMIN)
    @blp.arguments(ClinicianSchema)
    @blp.response(201, ClinicianSchema)
    def post(self, fields):
        """Add a clinician: someone who gives or supervises treatment"""
        return staffing_service.create_clinician(fields)


@blp.route("/clinicians/<id:clinician_id>")
class OneClinician(MethodView):
    @roles(*ALL_STAFF)
    @blp.response(200, ClinicianSchema)
    @blp.error_response(404, "no clinician has this id")
    def get(self, clinician_id):
        """Read one clinician"""
        return staffing_service.get_clinician(clinician_id)

    @roles(*ADMIN)
    @blp.arguments(ClinicianUpdateSchema)
    @blp.response(200, ClinicianSchema)
    @blp.error_response(404, "no clinician has this id")
    @blp.error_response(409, UNCOVERED)
    def patch(self, changes, clinician_id):
        """Change a clinician: name, role, or off the rota

        Taking someone off the rota (or changing their role) is refused while booked sessions
        need their cover.
        """
        return staffing_service.update_clinician(clinician_id, changes)


@blp.route("/clinicians/<id:clinician_id>/shifts")
class Shifts(MethodView):
    @roles(*ALL_STAFF)
    @blp.arguments(ShiftQuerySchema, location="query")
    @blp.response(200, ShiftSchema(many=True))
    @blp.error_response(404, "no clinician has this id")
    def get(self, query, clinician_id):
        """List a clinician's shifts, in time order"""
        return staffing_service.list_shifts(clinician_id, query.get("from_"), query.get("to"))

    @roles(*ADMIN)
    @blp.arguments(ShiftSchema)
    @blp.response(201, ShiftSchema)
    @blp.error_response(404, "no clinician has this id")
    @blp.error_response(409, "the clinician already has a shift at that time")
    def post(self, fields, clinician_id):
        """Add one shift"""
        [shift] = staffing_service.add_shifts(clinician_id, [(fields["start_at"], fields["end_at"])])
        return shift


@blp.route("/clinicians/<id:clinician_id>/shifts/weekly")
class WeeklyShifts(MethodView):
    @roles(*ADMIN)
    @blp.arguments(WeeklyShiftsSchema)
    @blp.response(201, ShiftSchema(many=True))
    @blp.error_response(404, "no clinician has this id")
    @blp.error_response(409, "the clinician already has a shift at one of those times")
    def post(self, rota, clinician_id):
        """Add a rota: a weekly pattern made into shifts, each true to its own day's clock"""
        return staffing_service.add_weekly_shifts(clinician_id, rota["pattern"], rota["first_day"],
                                                  rota["last_day"], rota["except_days"])


@blp.route("/shifts/<id:shift_id>")
class OneShift(MethodView):
    @roles(*ADMIN)
    @blp.arguments(ShiftRemovalQuerySchema, location="query")
    @blp.response(200, UncoveredSchema(many=True))
    @blp.error_response(404, "no shift has this id")
    @blp.error_response(409, UNCOVERED)
    def delete(self, query, shift_id):
        """Remove a shift (a sick day, a holiday)

        Refused while booked sessions need its cover, unless `force=true`: then it is removed
        and the sessions left without cover are answered, for the front desk to move.
        """
        return staffing_service.remove_shift(shift_id, query["force"])
