"""Notifications, in floors like scheduler/'s; each imports only the floors below it:

    api/, web/    HTTP: the JSON API and Twilio's webhooks; the patient's page     (views only)
    worker.py     the `flask worker` process: claims due rows, dispatches them
    services/     one transaction per function: outbox, dispatch, inbound, alerts ...
    channels/     one adapter per outside service (console, Twilio, SMTP)
    models/       the tables
    engine/       pure rules: send times, wording and discretion, replies, invites

reactions.py is what the app factory wires to scheduler.events, the one seam: the messages each
booking implies, the refusal of settings a text must not carry, a patient page's messages and
check-ins, and the outbox's backlog on /metrics. Scheduling imports nothing from here.
"""
