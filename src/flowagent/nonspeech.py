"""Non-speech markers: what speech-to-text writes for sounds that are not words.

Whisper and its ports write `[BLANK_AUDIO]`, `[ Silence ]`, `(silence)`, `[Music]`,
`(upbeat music)`, `♪`, `[inaudible]`, `(coughing)`, `<|nospeech|>`, `(_BEG_)`; Kaldi/Vosk-style
recognisers `<unk>`, `<noise>`, `[noise]`; captioning conventions (Deepgram's and LiveKit
transcripts of captioned audio, human transcribers) `[crosstalk]`, `*sighs*`. None of it is
something the caller said, so it is never a slot value: markers are removed from the text,
and a turn of nothing but markers is a **silence** (no-input: blank audio, music, noise) or a
**no-match** (speech that was heard but not understood: inaudible, crosstalk, laughter).

What counts (sources: whisper.cpp and openai-whisper outputs; the W3C WAI transcribing guide
for bracketed sound descriptions):
- anything in square brackets or angle brackets — dictation never produces them;
- `(…)` and `*…*` of at most four words when one of them names a sound (`(wind blowing)`,
  `*coughs*`), or written in capitals with underscores (`(_BEG_)`);
- music notes (`♪ … ♪`);
- a turn of nothing but hesitation sounds ("uh", "um", "hmm": Deepgram writes fillers as
  words, and LiveKit's Deepgram plugin asks for them by default) is a no-match, like a cough:
  the caller is there, but said no words;
- the flow's own markers (`input.markers`), matched case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

SILENCE = "silence"
NO_MATCH = "no_match"
#: Words were lost at one edge of the turn only ("[inaudible] 2 0 2 5 5 5 0 1 1 9"): what
#: is left may be a whole answer of a kind that shows it is whole (a phone, an email).
LOST_EDGE = "lost_edge"

# Words inside a marker meaning words were spoken but lost: the turn is a no-match, and the
# words around it are not used (they are incomplete: "my number is 555 [inaudible] 0123").
_LOST = re.compile(
    r"inaudible|unintelligible|indistinct|unclear|crosstalk|cross talk|foreign|"
    r"(?<!no)(?<!no )speech(?!less)|speaking|mumbl|whisper|unk\b|\?\?",
    re.I,
)
# Sounds a caller makes: they are there (so a turn of only these is a no-match, not a
# silence), but no words were lost.
_VOCAL = re.compile(r"laugh|chuckl|giggl|cough|sneez|sniff|sigh|clears? throat|groan|breath", re.I)
LOST = "lost"
VOCAL = "vocal"
# Words naming a sound, for parenthesised and starred descriptions.
_SOUND = re.compile(
    r"\b(?:silence|silent|music|musical|song|singing|humming|noise|noises|sound|sounds|static|"
    r"beep\w*|ring\w*|click\w*|typing|keyboard|applause|clapping|wind|blowing|rain|traffic|"
    r"background|audio|blank|pause|breath\w*|inhales?|exhales?|laugh\w*|chuckl\w*|giggl\w*|"
    r"cough\w*|sneez\w*|sniff\w*|sigh\w*|groan\w*|mumbl\w*|whisper\w*|inaudible|"
    r"unintelligible|indistinct|crosstalk|unclear|door|dog|bark\w*|baby|crying|cries|"
    r"footsteps|siren|engine|upbeat|dramatic|soft|gentle|tone|dial|hold|nospeech|no speech)\b",
    re.I,
)
_BRACKETED = re.compile(r"\[[^\[\]]{0,60}\]|<\|?[^<>]{0,40}\|?>")
_PARENS = re.compile(r"\(([^()]{1,40})\)|\*([^*]{1,40})\*")
_MUSIC = re.compile(r"[♪♫♬][^♪♫♬]{0,80}[♪♫♬]|[♪♫♬]")
_CAPS_TAG = re.compile(r"^_*[A-Z][A-Z_ ]*_*$|^_\w+_$")
_TRIGGERS = frozenset("[(<*♪♫♬")
# A turn of only hesitation sounds: Deepgram writes them as words ("uh", "um"; LiveKit's
# Deepgram plugin turns filler words on by default), whisper as "Um..." or "Hmm.".
_HESITATION = r"(?:u+h+|u+m+|e+r+m*|h+m+|a+h+)"
_HESITATION_ONLY = re.compile(
    rf"^(?![\W_]*uh[\s-]uh[\W_]*$)[\W_]*{_HESITATION}(?:[\W_]+{_HESITATION})*[\W_]*$", re.I
)


@dataclass(frozen=True, slots=True)
class Markers:
    """The marker rules of one flow: built-in forms (optional) and the flow's own."""

    defaults: bool = True
    extra: tuple[tuple[str, str], ...] = ()  # (lower-case literal, kind)
    pattern: re.Pattern[str] | None = None  # the literals, longest first

    @classmethod
    def from_spec(cls, markers: Mapping[str, str], defaults: bool) -> Markers:
        # A flow's "no_match" marker is a sound the caller made: removed around words, and a
        # no-match when alone.
        ordered = sorted(
            (
                (k.lower(), VOCAL if v == NO_MATCH else SILENCE)
                for k, v in markers.items()
                if k.strip()
            ),
            key=lambda p: -len(p[0]),
        )
        pattern = re.compile("|".join(re.escape(k) for k, _ in ordered), re.I) if ordered else None
        return cls(defaults, tuple(ordered), pattern)

    def blank(self, text: str) -> tuple[str, list[str]]:
        """`text` with every marker replaced by spaces of the same length (spans stay
        valid), and the kind of each marker found."""
        kinds: list[str] = []
        if self.pattern is not None:
            found = dict(self.extra)

            def literal(m: re.Match[str]) -> str:
                kinds.append(found.get(m.group(0).lower(), SILENCE))
                return " " * len(m.group(0))

            text = self.pattern.sub(literal, text)
        if self.defaults and not _TRIGGERS.isdisjoint(text):
            text = _BRACKETED.sub(lambda m: _note(m.group(0), m.group(0), kinds), text)
            text = _MUSIC.sub(lambda m: _note("music", m.group(0), kinds), text)
            text = _PARENS.sub(lambda m: _paren(m, kinds), text)
        return text, kinds

    def remove(self, text: str) -> tuple[str, str | None]:
        """`(text without markers, verdict)`. The verdict is None when the text is to be used
        (markers, if any, removed); `"silence"` for a turn of only silence-like markers;
        `"no_match"` for a turn of only vocal sounds, or one where words were lost inside it;
        `"lost_edge"` when words were lost only before or after the rest."""
        original = text
        text, kinds = self.blank(text)
        if not kinds:
            if self.defaults and len(text) < 40 and _HESITATION_ONLY.match(text):
                return "", NO_MATCH  # "um…": the caller is there, no words yet
            return text, None
        clean = " ".join(text.split()).strip(" ,.;:-")
        if LOST in kinds:
            return clean, (LOST_EDGE if clean and _lost_only_at_edges(original, text) else NO_MATCH)
        if clean:
            return clean, None
        return clean, (NO_MATCH if VOCAL in kinds else SILENCE)


#: The built-in forms, for extractors used on their own (`slots.extract`).
DEFAULT = Markers()


def _lost_only_at_edges(original: str, blanked: str) -> bool:
    """Whether every words-lost marker of `original` has no words on one of its sides (in
    `blanked`, where markers are spaces): "[inaudible] 2 0 2 …", "… 0 1 1 9 [crosstalk]",
    not "555 [inaudible] 0123"."""
    for m in _BRACKETED.finditer(original):
        if not _LOST.search(m.group(0)):
            continue
        before, after = blanked[: m.start()], blanked[m.end() :]
        if any(c.isalnum() for c in before) and any(c.isalnum() for c in after):
            return False
    for m in _PARENS.finditer(original):
        inner = m.group(1) or m.group(2) or ""
        if not _LOST.search(inner) or blanked[m.start() : m.end()].strip():
            continue
        before, after = blanked[: m.start()], blanked[m.end() :]
        if any(c.isalnum() for c in before) and any(c.isalnum() for c in after):
            return False
    return True


def _note(marker: str, said: str, kinds: list[str]) -> str:
    kinds.append(LOST if _LOST.search(marker) else VOCAL if _VOCAL.search(marker) else SILENCE)
    return " " * len(said)


def _paren(m: re.Match[str], kinds: list[str]) -> str:
    inner = (m.group(1) or m.group(2) or "").strip()
    if (
        inner
        and len(inner.split()) <= 4
        and not any(c.isdigit() for c in inner)
        and (_SOUND.search(inner) or _CAPS_TAG.match(inner))
    ):
        return _note(inner, m.group(0), kinds)
    return m.group(0)
