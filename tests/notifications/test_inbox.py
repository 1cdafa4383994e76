"""Nothing a patient writes goes unseen: a text that is neither a command nor an awaited answer
waits in monitoring's inbox until someone marks it done with a note."""
from __future__ import annotations

from tests.web.pages import pages_as, text_of

from .texting import answer, text


def inbox(ward) -> list[dict]:
    return ward.listing("/inbox")


def test_an_unmatched_text_reaches_the_inbox_and_done_clears_it(ward):
    patient, phone = ward.patient()
    answer(text(ward.client, phone, "Is there parking near the clinic?"))
    [item] = inbox(ward)
    assert (item["patient_id"], item["body"], item["kind"], item["inbox"]) == (
        patient, "Is there parking near the clinic?", "other", "open")
    done = ward.nurse.post(f"/inbox/{item['id']}/done", json={"note": "called back: the lot on Elm St"})
    assert done.status_code == 200, done.json
    assert (done.json["inbox"], done.json["done_note"]) == ("done", "called back: the lot on Elm St")
    assert done.json["done_at"] and done.json["done_by"]
    assert inbox(ward) == []
    again = ward.nurse.post(f"/inbox/{item['id']}/done", json={"note": "twice"})
    assert again.status_code == 409


def test_a_number_nobody_asked_for_and_a_strangers_words_reach_it_too(ward):
    patient, phone = ward.patient()
    answer(text(ward.client, phone, "7"))  # no check-in awaits an answer
    answer(text(ward.client, "+16175559999", "hi, it's Sam with a new phone"))
    assert [(i["patient_id"], i["body"]) for i in inbox(ward)] == [
        (patient, "7"), (None, "hi, it's Sam with a new phone")]


def test_commands_and_awaited_answers_stay_out_of_it(ward):
    patient, phone = ward.patient()
    ward.check_in_sent(patient)
    for words in ("C", "HELP", "6", "STOP", "START"):
        answer(text(ward.client, phone, words))
    assert inbox(ward) == []


def test_words_of_self_harm_open_an_urgent_alert_not_an_inbox_item(ward):
    patient, phone = ward.patient()
    answer(text(ward.client, phone, "I want to kill myself"))
    assert inbox(ward) == []
    [alert] = ward.listing("/alerts", status="open")
    assert alert["severity"] == "urgent"


def test_bad_input_is_refused_with_the_field_named(ward):
    patient, phone = ward.patient()
    answer(text(ward.client, phone, "hello?"))
    [item] = inbox(ward)
    response = ward.nurse.post(f"/inbox/{item['id']}/done", json={"note": "x" * 2001})
    assert response.status_code == 422 and "note" in str(response.json)
    assert ward.nurse.post("/inbox/999999/done", json={"note": None}).status_code == 404


def test_the_inbox_page_lists_each_text_and_done_clears_it(ward, app):
    patient, phone = ward.patient()
    answer(text(ward.client, phone, "running late, sorry"))
    nurse = pages_as(app, "monitoring")
    page = nurse.get("/monitoring/inbox")
    assert page.status_code == 200 and "running late, sorry" in text_of(page)
    [item] = inbox(ward)
    too_long = nurse.post(f"/monitoring/inbox/{item['id']}/done", data={"note": "x" * 2001})
    assert too_long.status_code == 422 and "Note:" in text_of(too_long)
    done = nurse.post(f"/monitoring/inbox/{item['id']}/done", data={"note": "fine"})
    assert done.status_code == 303
    assert "Nothing to read." in text_of(nurse.get("/monitoring/inbox"))
    assert pages_as(app, "front_desk").get("/monitoring/inbox").status_code == 403
