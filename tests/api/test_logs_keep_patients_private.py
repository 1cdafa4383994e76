"""Logs carry ids, never a patient's name, phone or email, at INFO and at DEBUG."""
import logging

import pytest

from scheduler.logs import JsonFormatter
from tests.factories import api_as, set_up_clinic

PATIENT = {"first_name": "Marguerite", "last_name": "Quixotic-Lowe", "phone": "+16175550177",
           "email": "marguerite.ql@example.com", "sms_opt_in": True, "email_opt_in": True}


@pytest.mark.parametrize("level", [logging.INFO, logging.DEBUG])
def test_a_day_of_booking_leaves_no_patient_data_in_the_logs(app, caplog, level):
    caplog.set_level(level)
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    patient = desk.post("/patients", json=PATIENT).json["id"]
    desk.get("/patients", query_string={"q": "Quixotic"})
    desk.get("/patients", query_string={"q": PATIENT["phone"]})
    desk.patch(f"/patients/{patient}", json={"email": "new.address.mq@example.com"})
    desk.post("/patients", json={**PATIENT, "phone": "not a phone"})  # a 422 echoes nothing
    booked = desk.post("/courses", json={"patient_id": patient, "treatment_type_id": clinic.treatment,
                                         "kind": "induction", "sessions": 3})
    assert booked.status_code == 201
    desk.post(f"/appointments/{booked.json['appointments'][0]['id']}/cancel",
              json={"reason": "Marguerite has the flu"})

    text = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    assert '"request"' in text  # the request log ran, so silence is not why nothing leaked
    for secret in ("Marguerite", "Quixotic", "5550177", "example.com", "flu"):
        assert secret not in text
