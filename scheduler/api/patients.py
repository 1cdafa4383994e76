"""Patients: registration, look-up and contact consent."""
from flask.views import MethodView

from ..services import patients as patient_service
from .blueprint import Blueprint
from .access import ALL_STAFF, BOOKERS, roles
from .paging import PAGES, QueryPage
from .schemas.patients import PatientQuerySchema, PatientSchema, PatientUpdateSchema

blp = Blueprint("patients", __name__, url_prefix="/api/v1/patients", description="Patients")


@blp.route("")
class Patients(MethodView):
    @roles(*ALL_STAFF)
    @blp.arguments(PatientQuerySchema, location="query")
    @blp.response(200, PatientSchema(many=True))
    @blp.paginate(QueryPage, **PAGES)
    def get(self, query):
        return patient_service.search_patients(query["q"])

    @roles(*BOOKERS)
    @blp.arguments(PatientSchema)
    @blp.response(201, PatientSchema)
    def post(self, fields):
        return patient_service.create_patient(fields)


@blp.route("/<id:patient_id>")
class PatientById(MethodView):
    @roles(*ALL_STAFF)
    @blp.response(200, PatientSchema)
    def get(self, patient_id):
        return patient_service.get_patient(patient_id)

    @roles(*BOOKERS)
    @blp.arguments(PatientUpdateSchema)
    @blp.response(200, PatientSchema)
    def patch(self, changes, patient_id):
        return patient_service.update_patient(patient_id, changes)
