"""The notification rules, pure: when a message is due and whether it still helps, what it says
and that it stays discreet, what a reply means, the calendar invite. Imports no Flask, no
SQLAlchemy, no database session and no clock (`now` is passed in); scheduler.engine only."""
