from tests.factories import api_as, make_patient, set_up_clinic


def test_front_desk_books_an_induction_course_in_one_go(app):
    admin, desk = api_as(app, "admin"), api_as(app, "front_desk")
    clinic = set_up_clinic(admin)
    patient = make_patient(desk)
    response = desk.post("/courses", json={"patient_id": patient, "treatment_type_id": clinic.treatment,
                                           "kind": "induction", "sessions": 6, "start_on": "2026-06-02"})
    assert response.status_code == 201, response.json
    starts = [a["start"] for a in response.json["appointments"]]
    assert starts[0] == "2026-06-02T13:00:00+00:00"  # 09:00 in New York (EDT)
    assert len(starts) == 6
