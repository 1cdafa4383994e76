"""One transaction per function: the outbox, dispatch, inbound texts, check-ins, alerts and their
escalation, patient links and requests, what monitoring staff read, the checks on settings that
go out by text and the outbox's backlog for /metrics. May import the engine, the models, the
channels and scheduler's models and services; never the api or web floors."""
