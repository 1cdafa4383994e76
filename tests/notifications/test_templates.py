"""Staff change what messages say by editing template files, not code: NOTIFICATION_TEMPLATES
points at their copy, and every message (outgoing and replies) reads it."""
import shutil

from notifications.engine.wording import TEMPLATES
from tests.notifications.texting import answer, text


def test_staff_wording_from_their_own_template_folder_reaches_texts_and_replies(ward, tmp_path):
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    (folder / "confirmation.sms.txt").write_text("{{ clinic }}: see you {{ when }}. Reply C.")
    (folder / "reply_help.sms.txt").write_text("{{ clinic }} front desk: {{ clinic_phone }}. STOP to stop.")
    ward.app.config["NOTIFICATION_TEMPLATES"] = str(folder)
    patient, phone = ward.patient()
    ward.book_three(patient)
    ward.work()
    sms = [n for n in ward.notes(patient_id=patient) if n["purpose"] == "confirmation"
           and n["channel"] == "sms"]
    assert sms[0]["body"].startswith("Riverside Health: see you ")
    [reply] = answer(text(ward.client, phone, "help"))
    assert reply.startswith("Riverside Health front desk:")
    # An edit while the service runs is picked up without a restart.
    (folder / "reply_help.sms.txt").write_text("Call {{ clinic_phone }}. STOP to stop.")
    [reply] = answer(text(ward.client, phone, "help"))
    assert reply.startswith("Call ")
