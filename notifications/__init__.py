"""Notifications: the outbox, the worker, the SMS and email channels, inbound replies.

Reserved for the notifications issue; the scheduling core writes nothing here yet.
"""
