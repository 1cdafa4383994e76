"""What the engine says when a booking cannot be made, and whose fault it is."""


class SchedulingError(Exception):
    """A booking the rules refuse. `field` names the input at fault."""

    conflict = False  # True: the request was fine, existing bookings are in the way (409)

    def __init__(self, message: str, field: str = "start"):
        super().__init__(message)
        self.message = message
        self.field = field


class NotBookable(SchedulingError):
    """The time itself can never be booked: past, closed, or off the slot grid."""


class CourseRuleBroken(SchedulingError):
    """The start times break the course's rules (count, gaps, span, interval)."""


class SlotTaken(SchedulingError):
    """The time is bookable, but no chair, or not the patient, is free then."""

    conflict = True


class NoScheduleFits(SchedulingError):
    """No schedule satisfying the course rules fits within the search horizon."""

    conflict = True


class IllegalStatusChange(Exception):
    """An appointment's current status (or time) does not allow the change asked for."""
