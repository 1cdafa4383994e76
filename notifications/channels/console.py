"""The development channel: nothing leaves the machine.

The message text is kept on the notification row (shown by GET /notifications and the patient's
page); the log line carries ids only, because logs must never hold a patient's message.
"""
import logging
import uuid

from notifications.channels import Delivery, Outgoing

log = logging.getLogger("notifications.console")


class ConsoleChannel:
    def __init__(self, channel: str):
        self.channel = channel

    def send(self, message: Outgoing) -> Delivery:
        log.info("console %s written", self.channel,
                 extra={"object_type": "notification", "object_id": message.notification_id})
        return Delivery(f"console-{uuid.uuid4().hex}")
