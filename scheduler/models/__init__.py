"""The database models, one module per area of the clinic."""
from .booking import Appointment, Course
from .clinic import Chair, Clinic, TreatmentType
from .patient import Patient
from .staff import ApiToken, AuditEvent, StaffUser

# The notifications' tables live in that package but share this metadata and its migrations.
from notifications.models import Notification  # noqa: E402  (after the tables it refers to)

__all__ = ["Appointment", "ApiToken", "AuditEvent", "Chair", "Clinic", "Course", "Patient",
           "StaffUser", "TreatmentType", "Notification"]
