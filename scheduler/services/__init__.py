"""One transaction per function: load, ask the engine, write, announce (scheduler.events), audit,
commit. May import the engine and the models; never the api or web floors, nor notifications."""
