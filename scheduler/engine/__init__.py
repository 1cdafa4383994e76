"""The scheduling engine: pure functions over plain data.

Nothing here imports Flask or the database, and nothing reads the clock: callers pass `now` and
the bookings they loaded. All instants are timezone-aware; opening hours are read in the clinic's
zone with zoneinfo, so DST days are as long or as short as they really are.
"""
