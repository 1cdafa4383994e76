"""The channel for each of "sms" and "email" that the settings (SMS_BACKEND, EMAIL_BACKEND)
choose; the adapters themselves are imported only when chosen."""
from __future__ import annotations

from notifications.channels import Channel
from notifications.channels.console import ConsoleChannel


def channels_from_config(config) -> dict[str, Channel]:
    """The channel for each of "sms" and "email" that the settings choose."""
    channels: dict[str, Channel] = {"sms": ConsoleChannel("sms"), "email": ConsoleChannel("email")}
    if config["SMS_BACKEND"] == "twilio":
        from notifications.channels.twilio_sms import TwilioChannel

        channels["sms"] = TwilioChannel.from_config(config)
    if config["EMAIL_BACKEND"] == "smtp":
        from notifications.channels.smtp_email import SmtpChannel

        channels["email"] = SmtpChannel.from_config(config)
    return channels
