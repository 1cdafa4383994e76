"""What a patient's text means: pure rules, no Flask, no database.

Twilio acts on a few single-word texts itself, before we see them: an opt-out word blocks the
number at Twilio (every later send fails with error 21610) until an opt-in word, and Twilio may
answer them (see SMS_OPT_OUT_REPLIES). Our records must agree with Twilio on every one of those
words, so they are listed here exactly as Twilio matches them. Words of self-harm outrank
everything else, so such a message is never taken for a plain score or a keyword.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CONFIRM, STOP, START, HELP, SCORE, CRISIS, OTHER = (
    "confirm", "stop", "start", "help", "score", "crisis", "other")
KINDS = (CONFIRM, STOP, START, HELP, SCORE, CRISIS, OTHER)

# Twilio's own keywords: it acts on a text that is exactly one of them, case and surrounding
# spaces aside ("Stop." or "stop please" it lets through untouched).
TWILIO_KEYWORDS = {
    # REVOKE and OPTOUT joined the list with the 2025 consent-revocation rules (Twilio's
    # Advanced Opt-Out docs list them); the older support article lists the first six.
    STOP: ("stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"),
    START: ("start", "yes", "unstop"),
    HELP: ("help", "info"),
}
_TWILIO_GROUP = {word: group for group, words in TWILIO_KEYWORDS.items() for word in words}

# Our own keywords, compared after case, spacing and end punctuation are set aside. Stopping is
# read more widely than Twilio reads it (a patient who writes "Stop." or "opt out" means it);
# starting again only on Twilio's own words, since Twilio would still block the number after
# any other. YES confirms, as C does, and is Twilio's opt-in word besides (see read()).
KEYWORDS = {
    CONFIRM: ("c", "yes", "y", "confirm", "confirmed"),
    STOP: TWILIO_KEYWORDS[STOP] + ("stop all", "opt out", "opt-out"),
    HELP: TWILIO_KEYWORDS[HELP],
}
_KEYWORD_KIND = {word: kind for kind, words in KEYWORDS.items() for word in words}

# Plain ways of saying stop. Whole-message only: "please stop" is a request, but "don't stop my
# sessions please" is not.
_STOP_PHRASES = re.compile(
    r"(please )?(stop|quit|end|cease)( (sending|texting|messaging|txting|contacting))?"
    r"( (me|these|this|texts|messages))*( now)?( please| thanks| thank you)?"
    r"|(please )?(unsubscribe|opt out|opt-out|optout|remove)( me)?"
    r"( from (this|these|texts|the list))?( please)?"
    r"|(please )?(do not|don't|dont) (text|message|contact) me( again| anymore| any more)?( please)?"
    r"|no more (texts|messages)( please)?"
)

# Words of self-harm or suicide, anywhere in the message. Broad on purpose: a false alarm costs
# a nurse a phone call; a missed one may cost a life. "not suicidal" still alerts, for that reason.
_CRISIS = re.compile(
    r"\b(kill(ing)? my ?self|suicid\w*|end(ing)? (my|it) (life|all)|end it all|take my (own )?life"
    r"|(want|wanna|going|wish|ready) (to )?die|wish i (was|were) dead|better off dead"
    r"|(hurt|hurting|harm|harming|cut|cutting) my ?self|self[ -]?harm\w*"
    r"|no (reason|point) (to|in) (live|living|going on)|(do not|don't|dont) want to (live|be alive|wake up)"
    r"|can'?t go on|overdos\w*|od on)\b"
)

_NUMBER_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_N = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
_LEAD = r"((my )?(score|rating|mood)( is| =|:)?|i'?m( at)?( a)?|i am( at)?( a)?|about|maybe|around|a)"
# A message that is only a score, e.g. "7", "7/10", "score 3", "I'm a 4 today".
_SCORE_ONLY = re.compile(
    rf"({_LEAD} )?(?P<n>{_N})( ?/ ?10| out of (10|ten))?( today| now| thanks| thank you)?")
# A score inside a longer (crisis) message: written "N/10", or at the message's start or end
# ("I took 10 pills" holds a number, not a score).
_SCORE_IN_TEXT = (re.compile(rf"\b{_N} ?(/ ?10|out of (10|ten))\b"), re.compile(rf"^{_N}\b"),
                  re.compile(rf"\b{_N}$"))

@dataclass(frozen=True)
class Reading:
    kind: str
    score: int | None = None  # 0 worst to 10 best, when the message gave one
    # STOP, START or HELP when the text is one of Twilio's own keywords: Twilio has acted on
    # it (blocked or unblocked the number) and may have answered it already.
    twilio: str | None = None


def normalize(body: str) -> str:
    """Lower case, one space between words, curly quotes straightened, end punctuation off."""
    text = unicodedata.normalize("NFKC", body).casefold().replace("\u2019", "'")
    text = " ".join(text.split())
    # Not a leading "-": "-1" is no score of 1.
    return text.strip(" \"'()*").rstrip(" .!?,;:~*\"')")


def twilio_keyword(body: str) -> str | None:
    """STOP, START or HELP when Twilio itself takes the text for one of its keywords."""
    return _TWILIO_GROUP.get(body.strip().lower())


def read(body: str) -> Reading:
    """What the message asks for. A YES reads as CONFIRM with `twilio` START: it confirms the
    next session and, like START, ends an opt-out (Twilio unblocks the number on it)."""
    text = normalize(body)
    if _CRISIS.search(text):
        return Reading(CRISIS, _score_in(text))
    twilio = twilio_keyword(body)
    kind = _KEYWORD_KIND.get(text) or (START if twilio == START else None)
    if kind:
        return Reading(kind, twilio=twilio)
    only_a_score = _SCORE_ONLY.fullmatch(text)
    if only_a_score and _score(only_a_score.group("n")) is not None:
        return Reading(SCORE, _score(only_a_score.group("n")))
    if _STOP_PHRASES.fullmatch(text):
        return Reading(STOP)
    return Reading(OTHER)


def _score_in(text: str) -> int | None:
    for pattern in _SCORE_IN_TEXT:
        match = pattern.search(text)
        if match:
            return _score(match.group(1))
    return None


def _score(word: str) -> int | None:
    value = _NUMBER_WORDS[word] if word in _NUMBER_WORDS else int(word)
    return value if 0 <= value <= 10 else None
