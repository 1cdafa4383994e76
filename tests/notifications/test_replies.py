"""Reading a patient's text: keywords, scores and words of self-harm (pure rules, no database)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifications.engine.replies import (CONFIRM, CRISIS, HELP, KEYWORDS, KINDS, OTHER, SCORE, START, STOP,
                                          TWILIO_KEYWORDS, read)


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
    ("please cancel", OTHER, None), ("cancel my visit", OTHER, None),
    # Twilio unblocks a number only on its exact words; a "Start." would leave it blocked there.
    ("start.", OTHER, None), ("please start", OTHER, None),
])
def test_a_text_reads_as(body, kind, score):
    reading = read(body)
    assert (reading.kind, reading.score) == (kind, score)


# Twilio's own keywords, as Twilio lists them: it acts on each before we see it.
TWILIO_OPT_OUT = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]
TWILIO_OPT_IN = ["START", "YES", "UNSTOP"]
TWILIO_HELP = ["HELP", "INFO"]
TWILIO_WORDS = ([(w, STOP) for w in TWILIO_OPT_OUT] + [(w, START) for w in TWILIO_OPT_IN]
                + [(w, HELP) for w in TWILIO_HELP])


def test_our_list_of_twilios_keywords_is_twilios():
    assert {group: sorted(w.upper() for w in words) for group, words in TWILIO_KEYWORDS.items()} == {
        STOP: sorted(TWILIO_OPT_OUT), START: sorted(TWILIO_OPT_IN), HELP: sorted(TWILIO_HELP)}


@pytest.mark.parametrize("variant", ["{}", "{lower}", "{title}", "  {}  ", "\t{lower}\n", " {title}\r\n"])
@pytest.mark.parametrize(("word", "group"), TWILIO_WORDS, ids=[w for w, _ in TWILIO_WORDS])
def test_each_of_twilios_words_means_here_what_it_means_at_twilio(word, group, variant):
    reading = read(variant.format(word, lower=word.lower(), title=word.title()))
    assert reading.twilio == group
    # YES confirms the next visit too, as API.md says; ending an opt-out is the service's part.
    assert reading.kind == (CONFIRM if word == "YES" else group)


@pytest.mark.parametrize("body", ["Stop.", "STOP!", "stop please", "stop all", "opt out", "opt-out",
                                  "\uff33\uff34\uff2f\uff30", "yes!", "Yes please", "C", "help me"])
def test_a_text_twilio_lets_through_is_not_taken_for_its_keyword(body):
    # Twilio neither blocks nor answers these, so we must answer them ourselves; a STOP-like
    # one still stops our texts (the patient means it).
    assert read(body).twilio is None


def test_words_of_self_harm_outrank_keywords_and_scores():
    assert read("stop. i want to die").kind == CRISIS
    assert read("help me i want to kill myself").kind == CRISIS


KEYWORD_KIND = [(word, kind) for kind, words in KEYWORDS.items() for word in words]
spaces = st.text(alphabet=" \t\n\r", max_size=4)


@given(st.sampled_from(KEYWORD_KIND + [("start", START), ("unstop", START)]), st.data(), spaces, spaces)
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
