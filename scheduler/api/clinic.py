"""The clinic's set-up: settings, chairs and treatment types."""
from flask.views import MethodView
from flask_smorest import abort

from ..services import clinic as clinic_service
from .blueprint import Blueprint
from .access import ALL_STAFF, roles
from .schemas.clinic import ChairChangesSchema, ChairSchema, ClinicSchema, TreatmentTypeChangesSchema, TreatmentTypeSchema

ADMIN = ("admin",)
blp = Blueprint("clinic", __name__, url_prefix="/api/v1", description="The clinic's set-up")


@blp.route("/clinic")
class ClinicSettings(MethodView):
    @roles(*ALL_STAFF)
    @blp.response(200, ClinicSchema)
    @blp.error_response(404, "the clinic is not set up yet: an admin must PUT its settings first")
    def get(self):
        """Read the clinic's settings

        Opening hours, the slot grid, quiet hours, reminder and check-in rules, alert threshold.
        """
        clinic = clinic_service.find_clinic()
        if clinic is None:
            abort(404, message="the clinic is not set up yet")
        return clinic

    @roles(*ADMIN)
    @blp.arguments(ClinicSchema)
    @blp.response(200, ClinicSchema)
    def put(self, changes):
        """Change the clinic's settings

        Fields left out keep their value; the very first PUT must give `name` and `timezone`.
        Refused (422) when a text that goes out by SMS (`sms_name`, `name` while `sms_name` is
        empty, `crisis_text`) names a drug or a diagnosis.
        """
        return clinic_service.update_clinic(changes)


@blp.route("/chairs")
class Chairs(MethodView):
    @roles(*ALL_STAFF)
    @blp.response(200, ChairSchema(many=True))
    def get(self):
        """List the treatment chairs and rooms"""
        return clinic_service.list_chairs()

    @roles(*ADMIN)
    @blp.arguments(ChairSchema)
    @blp.response(201, ChairSchema)
    @blp.error_response(409, "a chair with this name exists")
    def post(self, fields):
        """Add a chair: one more session at a time

        `kind` `room` adds a recovery or consult room instead, which no session is booked in.
        """
        return clinic_service.create_chair(**fields)


@blp.route("/chairs/<id:chair_id>")
class ChairById(MethodView):
    @roles(*ADMIN)
    @blp.arguments(ChairChangesSchema, required=False)  # every field may be left out
    @blp.response(200, ChairSchema)
    @blp.error_response(404, "no chair has this id")
    @blp.error_response(409, "another chair has this name")
    def patch(self, changes, chair_id):
        """Rename a chair, take it out of use or back, or make it a room; only the fields given change

        Sessions already booked in it stay booked; new bookings go to treatment chairs in use only.
        """
        return clinic_service.update_chair(chair_id, **changes)


@blp.route("/treatment-types")
class TreatmentTypes(MethodView):
    @roles(*ALL_STAFF)
    @blp.response(200, TreatmentTypeSchema(many=True))
    def get(self):
        """List the treatment types"""
        return clinic_service.list_treatment_types()

    @roles(*ADMIN)
    @blp.arguments(TreatmentTypeSchema)
    @blp.response(201, TreatmentTypeSchema)
    @blp.error_response(409, "a treatment type with this name exists")
    def post(self, fields):
        """Add a treatment type: how long a session takes and how long the chair needs after"""
        return clinic_service.create_treatment_type(**fields)


@blp.route("/treatment-types/<id:type_id>")
class TreatmentTypeById(MethodView):
    @roles(*ADMIN)
    @blp.arguments(TreatmentTypeChangesSchema, required=False)  # every field may be left out
    @blp.response(200, TreatmentTypeSchema)
    @blp.error_response(404, "no treatment type has this id")
    @blp.error_response(409, "another treatment type has this name")
    def patch(self, changes, type_id):
        """Change a treatment type; only the fields given change

        A `protocol` given replaces the old one whole (null: the general defaults). Sessions
        already booked keep their times and rules; changes apply to bookings made from now on.
        """
        return clinic_service.update_treatment_type(type_id, **changes)
