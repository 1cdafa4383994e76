"""In-clinic observation: readings during a session, discharge, and monitoring forms."""
from flask import g
from flask.views import MethodView
from flask_smorest import abort

from ..services import booking, observations
from .access import ALL_STAFF, CLINICAL, roles
from .blueprint import Blueprint
from .schemas.booking import AppointmentSchema
from .schemas.observation import (
    CompleteSchema, FiledSchema, MonitoringFormQuerySchema, MonitoringFormSchema,
    NewObservationSchema, ObservationSchema,
)

blp = Blueprint("observation", __name__, url_prefix="/api/v1",
                description="Observation in the clinic and monitoring forms")


@blp.route("/appointments/<id:appointment_id>/observations")
class Observations(MethodView):
    @roles(*ALL_STAFF)
    @blp.response(200, ObservationSchema(many=True))
    @blp.error_response(404, "no appointment has this id")
    def get(self, appointment_id):
        """List a session's readings, oldest first, with who entered each"""
        return observations.list_for(appointment_id)

    @roles(*CLINICAL)
    @blp.arguments(NewObservationSchema)
    @blp.response(201, ObservationSchema)
    @blp.error_response(404, "no appointment has this id")
    @blp.error_response(409, "the patient is not checked in")
    def post(self, fields, appointment_id):
        """Record a reading (e.g. a blood pressure) during the session

        `name` is one of the treatment type's checks; the answer's `out_of_range` names the
        values outside its ranges.
        """
        return observations.record(appointment_id, **fields)


@blp.route("/appointments/<id:appointment_id>/complete")
class Complete(MethodView):
    @roles(*ALL_STAFF)
    @blp.arguments(CompleteSchema, required=False)  # no body: an ordinary discharge
    @blp.response(200, AppointmentSchema)
    @blp.error_response(404, "no appointment has this id")
    @blp.error_response(409, "the session's status or the time of day does not allow it, or the "
                             "observation plan holds the patient (minimum time, a reading out of range)")
    def post(self, fields, appointment_id):
        """Discharge the patient: mark a checked-in session completed

        The treatment type's observation plan must allow it: its `min_minutes` since check-in
        have passed and no check's latest reading is out of range. Monitoring staff or the admin
        may discharge anyway with an `override_note`. Check-in questions follow by the clinic's
        rules, and a monitoring form falls due when the plan asks for one.
        """
        note = (fields or {}).get("override_note")
        if note and g.staff.role not in CLINICAL:
            abort(403, message="only monitoring staff or the admin may override the observation plan")
        return booking.change_status(appointment_id, "complete", override_note=note)


@blp.route("/monitoring-forms")
class MonitoringForms(MethodView):
    @roles(*CLINICAL)
    @blp.arguments(MonitoringFormQuerySchema, location="query")
    @blp.response(200, MonitoringFormSchema(many=True))
    @blp.error_response(409, "the clinic is not set up yet")
    def get(self, query):
        """List REMS monitoring forms, the soonest due first

        A completed session of a treatment type whose plan has `monitoring_form_days` leaves
        one, due within that many days; past its `due_on` (the clinic's day) it is overdue.
        """
        return observations.forms_shown(observations.list_forms(**query))


@blp.route("/monitoring-forms/<id:form_id>/filed")
class FormFiled(MethodView):
    @roles(*CLINICAL)
    @blp.arguments(FiledSchema)
    @blp.response(200, MonitoringFormSchema)
    @blp.error_response(404, "no monitoring form has this id")
    @blp.error_response(409, "the form is already filed")
    def post(self, fields, form_id):
        """Mark a monitoring form filed, with the submission's reference"""
        return observations.mark_filed(form_id, fields["reference"])
