"""Notifications: the outbox, the worker, the SMS and email channels, inbound replies, check-ins
and alerts, and the patient's own page. The scheduling core adds messages through `outbox`."""
