"""The clinic's set-up: settings, chairs and treatment types."""
from flask.views import MethodView
from flask_smorest import abort

from ..services import clinic as clinic_service
from .blueprint import Blueprint
from .access import ALL_STAFF, roles
from .schemas.clinic import ChairSchema, ClinicSchema, TreatmentTypeSchema

ADMIN = ("admin",)
blp = Blueprint("clinic", __name__, url_prefix="/api/v1", description="The clinic's set-up")


@blp.route("/clinic")
class ClinicSettings(MethodView):
    @roles(*ALL_STAFF)
    @blp.response(200, ClinicSchema)
    def get(self):
        clinic = clinic_service.find_clinic()
        if clinic is None:
            abort(404, message="the clinic is not set up yet")
        return clinic

    @roles(*ADMIN)
    @blp.arguments(ClinicSchema)
    @blp.response(200, ClinicSchema)
    def put(self, changes):
        return clinic_service.update_clinic(changes)


@blp.route("/chairs")
class Chairs(MethodView):
    @roles(*ALL_STAFF)
    @blp.response(200, ChairSchema(many=True))
    def get(self):
        return clinic_service.list_chairs()

    @roles(*ADMIN)
    @blp.arguments(ChairSchema)
    @blp.response(201, ChairSchema)
    def post(self, fields):
        return clinic_service.create_chair(**fields)


@blp.route("/treatment-types")
class TreatmentTypes(MethodView):
    @roles(*ALL_STAFF)
    @blp.response(200, TreatmentTypeSchema(many=True))
    def get(self):
        return clinic_service.list_treatment_types()

    @roles(*ADMIN)
    @blp.arguments(TreatmentTypeSchema)
    @blp.response(201, TreatmentTypeSchema)
    def post(self, fields):
        return clinic_service.create_treatment_type(**fields)
