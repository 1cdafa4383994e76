"""The database models, one module per area of the clinic."""
from .booking import Appointment, Course
from .clinic import Chair, Clinic, TreatmentType
from .observation import MonitoringForm, Observation
from .patient import Patient
from .staff import ApiToken, AuditEvent, SignInAttempt, StaffUser
from .staffing import Clinician, Shift
from .waitlist import WaitlistEntry, WaitlistOffer

__all__ = ["Appointment", "ApiToken", "AuditEvent", "Chair", "Clinic", "Clinician", "Course", "MonitoringForm",
           "Observation", "Patient",
           "Shift", "SignInAttempt", "StaffUser", "TreatmentType", "WaitlistEntry", "WaitlistOffer"]
