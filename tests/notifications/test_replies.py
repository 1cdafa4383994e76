"""Reading a patient's text: keywords, scores and words of self-harm (pure rules, no database)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifications.engine.replies import (CONFIRM, CRISIS, HELP, KEYWORDS, KINDS, OTHER, SCORE, START, STOP,
                                   read)


@pytest.mark.parametrize(("body", "kind", "score"), [
    ("C", CONFIRM, None), ("yes", CONFIRM, None), ("Confirm", CONFIRM, None), (" c. ", CONFIRM, None),
    ("YES!", CONFIRM, None),
    ("STOP", STOP, None), ("stopall", STOP, None), ("Unsubscribe", STOP, None), ("cancel", STOP, None),
    ("END", STOP, None), ("quit", STOP, None), ("REVOKE", STOP, None), ("optout", STOP, None),
    ("stop texting me", STOP, None), ("Opt out", STOP, None), ("please stop", STOP, None),
    ("Please stop texting me.", STOP, None), ("don't text me anymore", STOP, None),
    ("START", START, None), ("unstop", START, None),
    ("HELP", HELP, None), ("info", HELP, None),
    ("2", SCORE, 2), (" 7 ", SCORE, 7), ("7/10", SCORE, 7), ("score 3", SCORE, 3), ("0", SCORE, 0),
    ("10", SCORE, 10), ("10/10!", SCORE, 10), ("I'm a 4 today", SCORE, 4), ("5 out of 10", SCORE, 5),
    ("five", SCORE, 5),
    ("I want to kill myself", CRISIS, None), ("suicide", CRISIS, None), ("I feel suicidal", CRISIS, None),
    ("I want to end my life", CRISIS, None), ("i just want to die", CRISIS, None),
    ("I might hurt myself", CRISIS, None), ("thinking about self harm", CRISIS, None),
    ("self-harm again", CRISIS, None), ("there is no reason to live", CRISIS, None),
    ("I don\u2019t want to live anymore", CRISIS, None), ("KILL MYSELF", CRISIS, None),
    ("2 I want to die", CRISIS, 2), ("want to die. 1", CRISIS, 1), ("3/10 and suicidal", CRISIS, 3),
    ("I took 10 pills, want to die", CRISIS, None),
    ("11", OTHER, None), ("-1", OTHER, None), ("2.5", OTHER, None), ("running 10 min late", OTHER, None),
    ("can I move my visit?", OTHER, None), ("", OTHER, None), ("don't stop my sessions please", OTHER, None),
    ("stop by tomorrow?", OTHER, None), ("\x00\x01", OTHER, None),
])
def test_a_text_reads_as(body, kind, score):
    reading = read(body)
    assert (reading.kind, reading.score) == (kind, score)


def test_yes_confirms_but_restarts_texts_for_a_number_that_said_stop():
    # Twilio itself takes YES from an opted-out number as START; our records must agree.
    assert read("YES").kind == CONFIRM
    assert read("YES", opted_out=True).kind == START
    assert read("C", opted_out=True).kind == CONFIRM


def test_words_of_self_harm_outrank_keywords_and_scores():
    assert read("stop. i want to die").kind == CRISIS
    assert read("help me i want to kill myself").kind == CRISIS


KEYWORD_KIND = [(word, kind) for kind, words in KEYWORDS.items() for word in words]
spaces = st.text(alphabet=" \t\n\r", max_size=4)


@given(st.sampled_from(KEYWORD_KIND), st.data(), spaces, spaces)
def test_any_casing_and_spacing_of_a_keyword_reads_the_same(keyword_kind, data, before, after):
    word, kind = keyword_kind
    cased = "".join(c.upper() if data.draw(st.booleans()) else c.lower() for c in word)
    assert read(before + cased + after).kind == kind


@given(st.integers(0, 10), st.sampled_from(["{}", " {} ", "{}/10", "{} / 10", "score {}", "Score: {}",
                                             "{} out of 10", "I'm a {}", "my score is {}", "{}."]))
def test_every_score_from_0_to_10_reads_as_that_score(n, form):
    assert (read(form.format(n)).kind, read(form.format(n)).score) == (SCORE, n)


@given(st.integers(11, 10**6))
def test_numbers_past_10_are_no_score(n):
    assert read(str(n)).kind == OTHER


@given(st.text(max_size=300))
def test_any_text_reads_as_something_known_without_raising(body):
    reading = read(body)
    assert reading.kind in KINDS
    assert reading.score is None or (0 <= reading.score <= 10 and reading.kind in (SCORE, CRISIS))


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
       st.sampled_from(["kill myself", "suicide", "end my life", "want to die", "hurt myself",
                        "self harm", "no reason to live"]),
       st.text(max_size=40))
def test_words_of_self_harm_are_found_anywhere_in_a_text(before, words, after):
    assert read(f"{before} {words.upper() if len(before) % 2 else words} {after}").kind == CRISIS
