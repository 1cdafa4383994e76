"""The check-in chart's geometry: where scores, dates, sessions and the alert line fall."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from notifications.engine.questionnaires import INSTRUMENTS
from notifications.web.score_chart import (BOTTOM, LEFT, MAX_X_TICKS, RIGHT, TOP, Answer, date_ticks,
                                           score_chart, totals_chart, y_of)

NEW_YORK = ZoneInfo("America/New_York")
TODAY = date(2026, 6, 1)


def utc(day: int, hour: int, minute: int = 0, month: int = 6) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=timezone.utc)


def test_a_patient_with_no_check_ins_gets_empty_axes_around_today():
    chart = score_chart([], [], 3, NEW_YORK, TODAY)
    assert chart.points == () and chart.line == "" and chart.sessions == ()
    assert [t.label for t in chart.x_ticks] == ["1 Jun", "2 Jun"]
    assert [t.position for t in chart.x_ticks] == [LEFT, RIGHT]
    assert chart.summary == "No check-in scores yet. The alert line is at 3. 0 sessions marked."


def test_scores_run_from_0_at_the_bottom_to_10_at_the_top_with_gridlines_every_2():
    chart = score_chart([], [], None, NEW_YORK, TODAY)
    assert [(t.label, t.position) for t in chart.y_ticks] == [
        ("0", BOTTOM), ("2", 227.2), ("4", 174.4), ("6", 121.6), ("8", 68.8), ("10", TOP)]
    assert chart.threshold_y is None


def test_one_check_in_sits_on_its_own_local_day():
    # 18:00 New York on 4 June: three quarters of the way through that day.
    chart = score_chart([Answer(utc(4, 22), 7)], [], 3, NEW_YORK, TODAY)
    [point] = chart.points
    assert point.x == round(LEFT + 0.75 * (RIGHT - LEFT), 1)
    assert point.y == y_of(7)
    assert point.label == "4 Jun 18:00: score 7"
    assert [t.label for t in chart.x_ticks] == ["4 Jun", "5 Jun"]
    assert chart.line == f"{point.x},{point.y}"
    assert chart.summary.startswith("1 check-in score on 4 Jun; the latest 7 on 4 Jun, the lowest 7 on 4 Jun.")


def test_the_day_is_the_clinics_not_utcs():
    # 02:00 UTC on 5 June is still 4 June in New York.
    chart = score_chart([Answer(utc(5, 2), 5)], [], 3, NEW_YORK, TODAY)
    assert chart.x_ticks[0].label == "4 Jun"


def test_unanswered_and_wordless_check_ins_are_left_out_of_the_line():
    answers = [Answer(utc(3, 16), 6), Answer(utc(4, 16), None), Answer(utc(5, 16), 2)]
    chart = score_chart(answers, [], 3, NEW_YORK, TODAY)
    assert [p.label for p in chart.points] == ["3 Jun 12:00: score 6", "5 Jun 12:00: score 2"]
    assert len(chart.line.split()) == 2


def test_scores_are_drawn_in_time_order_whatever_order_they_come_in():
    answers = [Answer(utc(5, 16), 2), Answer(utc(3, 16), 6), Answer(utc(4, 16), 4)]
    chart = score_chart(answers, [], 3, NEW_YORK, TODAY)
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs) and [p.y for p in chart.points] == [y_of(6), y_of(4), y_of(2)]
    assert "the latest 2 on 5 Jun, the lowest 2 on 5 Jun" in chart.summary


def test_sessions_widen_the_axis_and_are_marked_where_they_started():
    session = utc(1, 13)  # 09:00 New York on 1 June
    chart = score_chart([Answer(utc(2, 16), 8)], [session], 3, NEW_YORK, TODAY)
    assert chart.x_ticks[0].label == "1 Jun" and chart.x_ticks[-1].label == "3 Jun"
    [marker] = chart.sessions
    assert marker.label == "Session 1 Jun 09:00"
    assert marker.x == round(LEFT + (9 / 48) * (RIGHT - LEFT), 1)
    assert marker.x < chart.points[0].x
    assert chart.summary.endswith("1 session marked.")


def test_the_alert_line_is_drawn_at_the_clinics_threshold():
    chart = score_chart([Answer(utc(3, 16), 2)], [], 3, NEW_YORK, TODAY)
    assert chart.threshold_y == y_of(3)
    assert chart.points[0].y > chart.threshold_y  # 2 is below the line: lower on the chart
    assert "The alert line is at 3." in chart.summary


def test_an_odd_threshold_stays_on_the_chart():
    assert y_of(-1) == BOTTOM and y_of(11) == TOP


def test_a_long_history_gets_few_date_ticks_spaced_in_weeks():
    ticks = date_ticks(date(2026, 1, 1), date(2026, 3, 31))
    assert len(ticks) <= MAX_X_TICKS
    assert ticks[1] - ticks[0] == ticks[2] - ticks[1]
    assert (ticks[1] - ticks[0]).days % 7 == 0


def test_a_weeks_history_gets_a_tick_each_day():
    ticks = date_ticks(date(2026, 6, 1), date(2026, 6, 6))
    assert ticks == [date(2026, 6, d) for d in range(1, 8)]


def test_date_ticks_stay_under_local_midnight_across_the_spring_change():
    # 8 March 2026: New York's clocks jump from 02:00 to 03:00, so that day has 23 hours.
    chart = score_chart([Answer(utc(7, 17, month=3), 5), Answer(utc(9, 17, month=3), 6)], [], 3,
                        NEW_YORK, TODAY)
    positions = [t.position for t in chart.x_ticks]
    widths = [round(b - a, 1) for a, b in zip(positions, positions[1:])]
    assert [t.label for t in chart.x_ticks] == ["7 Mar", "8 Mar", "9 Mar", "10 Mar"]
    assert widths[1] < widths[0]  # the short day is drawn shorter


def test_the_last_date_label_fits_inside_the_chart():
    """Centred on the axis's end, the last label needs half its width (about 20 px) of margin."""
    chart = score_chart([], [], 3, NEW_YORK, date(2026, 9, 27))
    assert chart.width - chart.x_ticks[-1].position >= 20


def test_phq9_totals_are_drawn_over_their_five_bands_with_the_alert_line():
    totals = [Answer(datetime(2026, 6, d, 16, tzinfo=timezone.utc), t) for d, t in ((1, 22), (15, 12), (29, 4))]
    chart = totals_chart(INSTRUMENTS["phq9"], totals, [], 20, NEW_YORK, date(2026, 6, 29))
    assert [b.label for b in chart.bands] == ["minimal (0\u20134)", "mild (5\u20139)", "moderate (10\u201314)",
                                              "moderately severe (15\u201319)", "severe (20\u201327)"]
    assert chart.bands[0].y_bottom == BOTTOM and chart.bands[-1].y_top == TOP
    assert [t.label for t in chart.y_ticks] == ["0", "5", "10", "15", "20", "27"]
    assert [p.y for p in chart.points] == [y_of(22, 27), y_of(12, 27), y_of(4, 27)]
    assert chart.points[0].label == "1 Jun 12:00: PHQ-9 22, severe"
    assert chart.threshold_y == y_of(20, 27)
    assert chart.summary.startswith("3 PHQ-9 totals; the latest 4 (minimal) on 29 Jun, the highest 22 (severe)")
