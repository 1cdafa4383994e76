"""Front desks racing for the same chair: the database, not Python, lets exactly one win.

The API races run real concurrent requests (one test client per thread, released together by a
barrier) against PostgreSQL, where each request has its own connection and transaction, and once
against SQLite, whose writes are serialized. The raw SQL tests go around the service entirely to
show that the exclusion constraint (PostgreSQL) and the trigger (SQLite) refuse an overlap alone.
"""
import threading
import time
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from scheduler.extensions import db
from scheduler.models import Appointment, Course
from tests.factories import Api, api_as, book_session, clinic_time, make_patient, set_up_clinic, staff_token

RACERS = 20


def race(calls):
    """Start every call at the same moment, each on its own thread; their answers, in order."""
    barrier = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            answers[i] = call()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            answers[i] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    assert not [a for a in answers if isinstance(a, Exception)], answers
    return answers


def desks(app, count):
    """`count` front desk terminals, each with its own client (and so its own connection)."""
    token = staff_token(app, "front_desk")
    return [Api(app.test_client(), token) for _ in range(count)]


def codes(answers) -> list[int]:
    return sorted(answer.status_code for answer in answers)


def count_rows(app, query) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(query.subquery()))


def one_booking_for_the_last_free_chair(app, racers=RACERS, before_the_race=lambda: None):
    desk = api_as(app, "front_desk")
    clinic = set_up_clinic(api_as(app, "admin"), chairs=2)
    nine = clinic_time("2026-06-02", "09:00")
    regular = make_patient(desk)
    assert book_session(desk, regular, clinic.treatment, nine, chair_id=clinic.chairs[0]).status_code == 201
    patients = [make_patient(desk) for _ in range(racers)]
    before_the_race()

    answers = race([lambda api=api, patient=patient: book_session(api, patient, clinic.treatment, nine)
                    for api, patient in zip(desks(app, racers), patients)])

    assert codes(answers) == [201] + [409] * (racers - 1), [(a.status_code, a.json) for a in answers]
    winner = next(a.json for a in answers if a.status_code == 201)
    assert (winner["start"], winner["chair_id"]) == ("2026-06-02T13:00:00+00:00", clinic.chairs[1])
    at_nine = select(Appointment).where(Appointment.start_at == datetime(2026, 6, 2, 13, tzinfo=timezone.utc))
    assert count_rows(app, at_nine) == 2
    assert count_rows(app, at_nine.where(Appointment.chair_id == clinic.chairs[1])) == 1
    assert count_rows(app, select(Appointment)) == 2


def test_two_clients_racing_for_one_chair_get_one_booking(pg_app):
    one_booking_for_the_last_free_chair(pg_app)


def test_when_every_desk_saw_the_chair_free_the_database_still_lets_one_booking_in(pg_app, monkeypatch):
    # Hold each request after its Python check until all of them have passed it: every desk
    # has seen the chair free, so only the database can stop the others. (Ten desks: all must
    # hold a connection at once, and the pool has fifteen.)
    # Only each request's first check waits. A loser may look again (a desk that lost a
    # deadlock between the rival inserts retries before the winner has committed, and may
    # still see the chair free); were that second look held too, it would wait for nine
    # desks that never come, and break the barrier for everyone.
    racers = 10
    one_booking_for_the_last_free_chair(pg_app, racers, before_the_race=lambda: hold_first_checks(
        monkeypatch, racers))


def hold_first_checks(monkeypatch, racers: int) -> None:
    """From now on, each of the next `racers` requests waits after its first placement check
    until all of them have made theirs: every desk has seen the place free."""
    from scheduler.services import booking

    all_checked = threading.Barrier(racers, timeout=20)
    first_checks = iter(range(racers))  # the barrier holds every first check until the last
    checked = booking.place_session

    def place_session_then_wait(*args, **kwargs):
        slot = checked(*args, **kwargs)
        if next(first_checks, None) is not None:
            all_checked.wait()
        return slot

    monkeypatch.setattr(booking, "place_session", place_session_then_wait)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_racing_for_one_chair_on_sqlite_also_gets_one_booking(app):
    one_booking_for_the_last_free_chair(app)


def test_twenty_courses_racing_for_one_session_book_one_whole_course(pg_app):
    app = pg_app
    desk = api_as(app, "front_desk")
    clinic = set_up_clinic(api_as(app, "admin"), chairs=1)
    patients = [make_patient(desk) for _ in range(RACERS)]
    shared = date(2026, 9, 9)  # a Wednesday: every course wants 09:00 on the one chair that day

    def course_body(n, patient):
        # Maintenance, three sessions, 7*k days apart: the first and last sessions of each course
        # are on days (or times) of their own, so the 09:00 session on Sep 9 is the only clash.
        k, at = n // 2 + 1, ("09:00", "13:00")[n % 2]
        days = [shared - timedelta(days=7 * k), shared, shared + timedelta(days=7 * k)]
        starts = [clinic_time(days[0].isoformat(), at), clinic_time(shared.isoformat(), "09:00"),
                  clinic_time(days[2].isoformat(), at)]
        return {"patient_id": patient, "treatment_type_id": clinic.treatment, "kind": "maintenance",
                "sessions": 3, "interval_days": 7 * k, "starts": starts}

    bodies = [course_body(n, patient) for n, patient in enumerate(patients)]
    for body in bodies:  # each course is bookable on its own: only the others are in its way
        assert desk.post("/courses/plan", json=body).status_code == 200

    answers = race([lambda api=api, body=body: api.post("/courses", json=body)
                    for api, body in zip(desks(app, RACERS), bodies)])

    assert codes(answers) == [201] + [409] * (RACERS - 1), [(a.status_code, a.json) for a in answers]
    winner = next(a.json for a in answers if a.status_code == 201)
    assert len(winner["appointments"]) == 3
    assert winner["appointments"][1]["start"] == "2026-09-09T13:00:00+00:00"
    # The losers left nothing behind: not a course, not one of their free sessions.
    assert count_rows(app, select(Course)) == 1
    assert count_rows(app, select(Appointment)) == 3
    assert count_rows(app, select(Appointment).where(Appointment.patient_id != winner["patient_id"])) == 0


def test_two_desks_planning_the_same_course_times_both_book_the_loser_planned_again(pg_app, monkeypatch):
    # Both requests plan before either writes, so both pick the same earliest times. The
    # database lets one course in; the other must be planned again around it (201), not be
    # refused with "try again" (409).
    from scheduler.services import booking

    app = pg_app
    desk = api_as(app, "front_desk")
    clinic = set_up_clinic(api_as(app, "admin"), chairs=1)
    patients = [make_patient(desk), make_patient(desk)]
    both_planned = threading.Barrier(2, timeout=20)
    first_plans = iter(range(2))  # only each request's first plan waits for the other's
    planned = booking.plan_course

    def plan_course_then_wait(*args, **kwargs):
        plan = planned(*args, **kwargs)
        if next(first_plans, None) is not None:
            both_planned.wait()
        return plan

    monkeypatch.setattr(booking, "plan_course", plan_course_then_wait)
    bodies = [{"patient_id": patient, "treatment_type_id": clinic.treatment, "kind": "induction",
               "sessions": 6, "start_on": "2026-06-02"} for patient in patients]

    answers = race([lambda api=api, body=body: api.post("/courses", json=body)
                    for api, body in zip(desks(app, 2), bodies)])

    assert codes(answers) == [201, 201], [(a.status_code, a.json) for a in answers]
    starts = [{s["start"] for s in a.json["appointments"]} for a in answers]
    assert not starts[0] & starts[1]
    assert count_rows(app, select(Appointment)) == 12


def test_a_double_clicked_book_button_books_one_course(pg_app):
    app = pg_app
    desk = api_as(app, "front_desk")
    clinic = set_up_clinic(api_as(app, "admin"))
    patient = make_patient(desk)
    body = {"patient_id": patient, "treatment_type_id": clinic.treatment, "kind": "induction",
            "sessions": 6, "start_on": "2026-06-02"}

    answers = race([lambda api=api: api.post("/courses", json=body) for api in desks(app, 5)])

    assert codes(answers) == [201, 409, 409, 409, 409], [(a.status_code, a.json) for a in answers]
    assert count_rows(app, select(Course)) == 1
    assert count_rows(app, select(Appointment).where(Appointment.patient_id == patient)) == 6


def test_desks_moving_sessions_onto_one_free_time_move_only_one(pg_app):
    app = pg_app
    desk = api_as(app, "front_desk")
    clinic = set_up_clinic(api_as(app, "admin"), chairs=1)
    days = ["2026-06-02", "2026-06-03", "2026-06-04", "2026-06-05", "2026-06-08",
            "2026-06-09", "2026-06-10", "2026-06-11", "2026-06-12", "2026-06-15"]
    booked = []
    for day in days:
        answer = book_session(desk, make_patient(desk), clinic.treatment, clinic_time(day, "09:00"))
        assert answer.status_code == 201, answer.json
        booked.append(answer.json)
    target = clinic_time("2026-06-16", "10:00")

    answers = race([lambda api=api, a=a: api.post(f"/appointments/{a['id']}/reschedule", json={"start": target})
                    for api, a in zip(desks(app, len(booked)), booked)])

    assert codes(answers) == [200] + [409] * (len(booked) - 1), [(a.status_code, a.json) for a in answers]
    moved = select(Appointment).where(Appointment.start_at == datetime(2026, 6, 16, 14, tzinfo=timezone.utc))
    assert count_rows(app, moved) == 1
    for appointment, answer in zip(booked, answers):
        if answer.status_code == 409:
            assert desk.get(f"/appointments/{appointment['id']}").json["start"] == appointment["start"]


# --- the database's own guarantee ---------------------------------------------------------------

INSERT_SESSION = sa.text(
    "INSERT INTO appointment (patient_id, treatment_type_id, chair_id, start_at, end_at, held_until,"
    " local_date, status, created_at, updated_at)"
    " VALUES (:patient, :treatment, :chair, :start, :end, :held, :day, :status, :start, :start)")
CHAIR_REFUSALS = {"postgresql": "ex_appointment_chair_hold", "sqlite": "chair_hold_overlap"}


def raw_session(dialect, patient, clinic, day, start, end, held, status="scheduled", chair=None):
    """Parameters for a hand-written INSERT, times as each database stores them (UTC)."""
    def instant(clock_time):
        # PostgreSQL: timestamptz literal; SQLite: the naive UTC text SQLAlchemy writes.
        return f"{day} {clock_time}:00+00" if dialect == "postgresql" else f"{day} {clock_time}:00.000000"

    return {"patient": patient, "treatment": clinic.treatment, "chair": chair or clinic.chairs[0],
            "start": instant(start), "end": instant(end), "held": instant(held), "day": day,
            "status": status}


def test_the_database_itself_refuses_an_overlapping_hold(app):
    desk = api_as(app, "front_desk")
    clinic = set_up_clinic(api_as(app, "admin"), chairs=2)
    first, second, third = make_patient(desk), make_patient(desk), make_patient(desk)
    with app.app_context():
        dialect = db.engine.dialect.name
        refusal = CHAIR_REFUSALS[dialect]

        def insert(**fields):
            with db.engine.connect() as conn:
                conn.execute(INSERT_SESSION, raw_session(dialect, **fields))
                conn.commit()

        # 13:00-15:00 UTC, the chair held until 15:15.
        insert(patient=first, clinic=clinic, day="2026-06-02", start="13:00", end="15:00", held="15:15")
        # Starting at 15:00 overlaps the turnover; the database says no.
        with pytest.raises(sa.exc.IntegrityError, match=refusal):
            insert(patient=second, clinic=clinic, day="2026-06-02", start="15:00", end="17:00", held="17:15")
        # One that ends exactly when the hold starts is fine: holds are half-open.
        insert(patient=second, clinic=clinic, day="2026-06-02", start="10:45", end="12:45", held="13:00")
        # A cancelled session holds nothing, so it may sit on the same time...
        insert(patient=third, clinic=clinic, day="2026-06-02", start="14:00", end="16:00", held="16:15",
               status="cancelled")
        # ...but bringing it back to life over the live one is refused as well.
        with pytest.raises(sa.exc.IntegrityError, match=refusal):
            with db.engine.connect() as conn:
                conn.execute(sa.text("UPDATE appointment SET status = 'scheduled' WHERE patient_id = :p"),
                             {"p": third})
                conn.commit()
        # The same patient twice on one clinic day, on another chair: the unique index says no.
        with pytest.raises(sa.exc.IntegrityError, match="local_date"):
            insert(patient=first, clinic=clinic, day="2026-06-02", start="18:00", end="20:00", held="20:15",
                   chair=clinic.chairs[1])
        holding = db.session.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.status == "scheduled"))
        assert holding == 2


def test_postgres_makes_a_rival_insert_wait_then_refuses_it(pg_app):
    desk = api_as(pg_app, "front_desk")
    clinic = set_up_clinic(api_as(pg_app, "admin"), chairs=1)
    first, second = make_patient(desk), make_patient(desk)
    with pg_app.app_context():
        winner, rival = db.engine.connect(), db.engine.connect()
        outcome = {}

        def rival_insert():
            try:
                rival.execute(INSERT_SESSION, raw_session("postgresql", second, clinic, "2026-06-02",
                                                          "14:00", "16:00", "16:15"))
                rival.commit()
                outcome["result"] = "inserted"
            except sa.exc.DBAPIError as error:
                rival.rollback()
                outcome["result"] = error

        try:
            # Neither has committed when the rival inserts: no Python check could see the other.
            winner.execute(INSERT_SESSION, raw_session("postgresql", first, clinic, "2026-06-02",
                                                       "13:00", "15:00", "15:15"))
            thread = threading.Thread(target=rival_insert)
            thread.start()
            wait_for_a_lock_wait(db.engine)  # not a sleep: a loaded machine may start it late
            assert thread.is_alive(), "the rival should wait for the first transaction to end"
            winner.commit()
            thread.join(timeout=10)
        finally:
            winner.close()
            rival.close()
        assert isinstance(outcome["result"], sa.exc.IntegrityError), outcome
        assert "ex_appointment_chair_hold" in str(outcome["result"])
        assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1


def wait_for_a_lock_wait(engine, seconds=10):
    """Return once some session of this database waits for a lock held by another."""
    waiting = sa.text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                      "AND datname = current_database()")
    deadline = time.monotonic() + seconds
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watcher:
        while watcher.execute(waiting).scalar() == 0:  # a new snapshot of the activity each time
            assert time.monotonic() < deadline, "nobody ever waited for a lock"
            time.sleep(0.05)


def test_a_booking_that_loses_a_deadlock_is_told_409_not_500(pg_app):
    # Two bookings that each hold one of the other's times, uncommitted: PostgreSQL breaks the
    # deadlock by failing one of them with deadlock_detected (40P01). When that one is an API
    # request, the desk must get a 409 ("taken, try again"), never a 500.
    app = pg_app
    desk = api_as(app, "front_desk")
    clinic = set_up_clinic(api_as(app, "admin"), chairs=1)
    patient, rival_patient = make_patient(desk), make_patient(desk)
    body = {"patient_id": patient, "treatment_type_id": clinic.treatment, "kind": "induction", "sessions": 3,
            "starts": [clinic_time(day, "09:00") for day in ("2026-06-02", "2026-06-03", "2026-06-04")]}
    with app.app_context():
        rival = db.engine.connect()
        rival.exec_driver_sql("SET deadlock_timeout = '10s'")  # the request's backend checks first
        rival.execute(INSERT_SESSION, raw_session("postgresql", rival_patient, clinic, "2026-06-03",
                                                  "13:00", "15:00", "15:15"))
        answer = {}

        def book():
            try:
                answer["response"] = desk.post("/courses", json=body)
            except Exception as error:  # noqa: BLE001 - what the test client raises for a 500
                answer["response"] = error

        thread = threading.Thread(target=book)
        thread.start()
        try:
            # Wait until the request has written Tuesday and waits for the rival's Wednesday.
            wait_for_a_lock_wait(db.engine)
            # Now the rival wants Tuesday: each waits for the other.
            rival.execute(INSERT_SESSION, raw_session("postgresql", rival_patient, clinic, "2026-06-02",
                                                      "13:00", "15:00", "15:15"))
            rival.commit()
        finally:
            thread.join(timeout=20)
            rival.close()
        response = answer["response"]
        assert not isinstance(response, Exception), f"the request failed with {response!r}"
        assert response.status_code == 409, response.json
        assert db.session.scalar(select(func.count()).select_from(Course)) == 0
        assert db.session.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.patient_id == patient)) == 0


def test_two_desks_booking_one_time_without_naming_a_chair_both_get_a_chair(pg_app, monkeypatch):
    # Both requests choose a chair before either writes, so both choose the first free chair.
    # The database lets one in; the other must take the next free chair (201), not be told the
    # time is gone (409) while a chair stands empty.
    from scheduler.services import booking

    app = pg_app
    desk = api_as(app, "front_desk")
    clinic = set_up_clinic(api_as(app, "admin"), chairs=2)
    patients = [make_patient(desk), make_patient(desk)]
    both_placed = threading.Barrier(2, timeout=20)
    first_places = iter(range(2))  # only each request's first choice waits for the other's
    placed = booking.place_session

    def place_session_then_wait(*args, **kwargs):
        slot = placed(*args, **kwargs)
        if next(first_places, None) is not None:
            both_placed.wait()
        return slot

    monkeypatch.setattr(booking, "place_session", place_session_then_wait)
    start = clinic_time("2026-06-02", "09:00")
    answers = race([lambda api=api, patient=patient: book_session(api, patient, clinic.treatment, start)
                    for api, patient in zip(desks(app, 2), patients)])

    assert codes(answers) == [201, 201], [(a.status_code, a.json) for a in answers]
    assert {a.json["chair_id"] for a in answers} == set(clinic.chairs)
