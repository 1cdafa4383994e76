"""Patients: registration, look-up and contact consent."""
from flask.views import MethodView

from ..services import patients as patient_service
from .blueprint import Blueprint
from .access import ALL_STAFF, BOOKERS, roles
from .paging import PAGES, QueryPage
from .schemas.patients import NewPatientSchema, PatientQuerySchema, PatientSchema, PatientUpdateSchema
from .schemas.errors import DuplicatePatientErrorSchema

blp = Blueprint("patients", __name__, url_prefix="/api/v1/patients", description="Patients")


@blp.route("")
class Patients(MethodView):
    @roles(*ALL_STAFF)
    @blp.arguments(PatientQuerySchema, location="query")
    @blp.response(200, PatientSchema(many=True))
    @blp.paginate(QueryPage, **PAGES)
    def get(self, query):
        """Find patients by name or phone

        Without `q`, every patient, by name. Pages of 100 (`page`, `page_size`); the
        X-Pagination header tells the total.
        """
        return patient_service.search_patients(query["q"])

    @roles(*BOOKERS)
    @blp.arguments(NewPatientSchema)
    @blp.response(201, PatientSchema)
    @blp.alt_response(409, schema=DuplicatePatientErrorSchema, description=(
        "a patient with the same name and the same phone, email or date of birth is registered "
        "already: `duplicates` lists them; send `allow_duplicate` true to register anyway"))
    def post(self, fields):
        """Register a patient

        Texts and emails go out only where `sms_opt_in` or `email_opt_in` is true. A patient
        who seems registered already is refused with 409 unless `allow_duplicate` is true.
        """
        allow_duplicate = fields.pop("allow_duplicate")
        return patient_service.create_patient(fields, allow_duplicate=allow_duplicate)


@blp.route("/<id:patient_id>")
class PatientById(MethodView):
    @roles(*ALL_STAFF)
    @blp.response(200, PatientSchema)
    @blp.error_response(404, "no patient has this id")
    def get(self, patient_id):
        """Read one patient"""
        return patient_service.get_patient(patient_id)

    @roles(*BOOKERS)
    @blp.arguments(PatientUpdateSchema)
    @blp.response(200, PatientSchema)
    @blp.error_response(404, "no patient has this id")
    def patch(self, changes, patient_id):
        """Change a patient's details or consent; only the fields given change"""
        return patient_service.update_patient(patient_id, changes)
