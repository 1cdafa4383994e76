"""The database models, one module per area of the clinic."""
from .booking import Appointment, Course
from .clinic import Chair, Clinic, TreatmentType
from .patient import Patient
from .staff import ApiToken, AuditEvent, SignInAttempt, StaffUser
from .waitlist import WaitlistEntry, WaitlistOffer

__all__ = ["Appointment", "ApiToken", "AuditEvent", "Chair", "Clinic", "Course", "Patient",
           "SignInAttempt", "StaffUser", "TreatmentType", "WaitlistEntry", "WaitlistOffer"]
