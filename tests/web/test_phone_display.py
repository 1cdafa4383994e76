"""Phones on the staff pages as the clinic's country writes them, not as they are stored (E.164):
the desk reads "(617) 555-0101" back to a caller, not "+16175550101"."""
from __future__ import annotations

import pytest

from scheduler.phones import for_display


@pytest.mark.parametrize("stored, shown", [
    ("+16175550101", "(617) 555-0101"),  # the clinic's own country (US by default)
    ("+442079460958", "+44 20 7946 0958"),  # another country's number keeps its country code
    ("", ""),
    (None, ""),
    ("not a number", "not a number"),  # nothing to tidy: shown as it is, never an error
])
def test_a_stored_phone_is_shown_as_the_clinics_country_writes_it(app, stored, shown):
    with app.app_context():
        assert for_display(stored) == shown
