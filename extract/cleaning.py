"""Text repair before parsing: markup leftovers, mojibake, non-English text, over-long texts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from spacy.lang.en.stop_words import STOP_WORDS

# Markup blanked to spaces of the same length, so mention offsets still point into the stored text.
_MARKUP = re.compile(r"<[^<>\n]{1,200}>|\{\{[^{}]*\}\}|\[\[(?:[^\[\]|]*\|)?|\]\]|'{2,}|&nbsp;|^\s*=+|=+\s*$", re.M)
_CONTROL = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MOJIBAKE = re.compile("[ÃÂâ][\u0080-\u00bf€™œ\u201a-\u201e\u2018-\u201d]")
_WORD = re.compile(r"[^\W\d_]+")
MIN_WORDS_FOR_LANGUAGE = 20
MIN_LETTERS_FOR_SCRIPT = 20
MIN_ENGLISH_SHARE = 0.08   # English prose: 35-55 % of words are stop words


def blank_markup(text: str) -> str:
    """HTML tags, templates, link brackets, bold quotes, heading marks and control characters (a NUL,
    a form feed, a terminal escape glue onto the word beside them: "film\x07") replaced by spaces."""
    def blank(match: re.Match[str]) -> str:
        return " " * len(match.group(0))
    return _CONTROL.sub(blank, _MARKUP.sub(blank, text))


def repair_mojibake(text: str) -> str:
    """UTF-8 read as cp1252/latin-1 ("Ã©" for "é") decoded back; text left alone when that fails."""
    if not _MOJIBAKE.search(text):
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return text


def not_english_reason(text: str) -> str | None:
    """Why the text is not worth reading with an English model, or None.

    The script is judged by letters, not words: Chinese and Japanese put no spaces between
    words, so a whole paragraph is a handful of "words"."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= MIN_LETTERS_FOR_SCRIPT:
        latin = sum(1 for c in letters if c.isascii() or "LATIN" in unicodedata.name(c, ""))
        if latin / len(letters) < 0.5:
            return f"text is not English: {latin}/{len(letters)} letters in Latin script"
    words = _WORD.findall(text)
    if len(words) < MIN_WORDS_FOR_LANGUAGE:
        return None
    latin = sum(1 for w in words if w.isascii())
    if latin / len(words) < 0.5:
        return f"text is not English: {latin}/{len(words)} words in Latin ASCII script"
    lower = [w for w in words if w.islower()]  # names (a 500-name cast list) say nothing about the language
    if len(lower) < MIN_WORDS_FOR_LANGUAGE:
        return None
    share = sum(1 for w in lower if w in STOP_WORDS) / len(lower)
    if share < MIN_ENGLISH_SHARE:
        return f"text is not English: {share:.0%} English function words (under {MIN_ENGLISH_SHARE:.0%})"
    return None


def chunks(text: str, max_chars: int) -> Iterator[tuple[int, str]]:
    """(offset, piece) pieces of at most ``max_chars``, cut at a paragraph, line or sentence end."""
    start = 0
    while len(text) - start > max_chars:
        window = text[start:start + max_chars]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(". "))
        cut = cut + 1 if cut > max_chars // 2 else max_chars
        yield start, text[start:start + cut]
        start += cut
    if text[start:].strip():
        yield start, text[start:]


# Words at least one relation rule needs in its sentence; other sentences cannot yield a credit.
# "by" alone is no cue (a third of the words of plot sentences sit beside one: "killed by",
# "followed by"): only after a credit word, a few words back ("produced on a budget by").
_CREDIT_BY = (r"(?:co-?)?(?:produc\w*|distribut\w*|releas\w*|edit\w*|shot|photograph\w*|lens\w*|adapt\w*|join\w*"
              r"|voic\w*|narrat\w*|pen|penned|screen|stor(?:y|ies)|dialogues?|songs?|lyrics|soundtrack|animat\w*"
              r"|creat\w*|design\w*|choreograph\w*|financ\w*|made|presented|film|movie|picture|documentary)"
              r"(?:\W+\w+){0,4}?\W+by")
# What the film-phrase facts need: "is a 1994 (American) film", "Title (1980) is a ...", a release
# or premiere with a year a few words on ("released in the United States on 12 May 1994").
_YEAR = r"(?:18[89]\d|19\d\d|20[0-4]\d)"
_YEAR_FACT = (r"\b(?:is|was)\s+an?\s+(?:[\w-]+\s+){0,2}?" + _YEAR + r"\b|\(" + _YEAR + r"\)\s+(?:is|was)\s+an?\b"
              r"|\b(?:re-?)?(?:releas\w*|premier\w*|debut\w*|opened)\b(?:\W+\w+){0,10}?\W+" + _YEAR + r"\b")
FACT_CUE = re.compile(r"\bbased\s+on\b|\badapted\s+from\b|" + _YEAR_FACT, re.I)
CUE = re.compile(
    r"\b(?:" + _CREDIT_BY + r"|cinematography|photography|editing|co-?stars?|co-?starr\w*|stars?|starr\w*|feat\w*|cast|ensemble|directors?|writers?|screenwriters?"
    r"|producers?|composers?|cinematographers?|editors?|banner|bankroll\w*|direct\w*|wr[io]te|written|co-?wr\w*|compos\w*|alongside"
    r"|opposite|voices?|roles?|screenplay|script|score|music|play(?:s|ed)?|portray\w*|helm\w*|based|adapted\s+from"
    r"|photographed|lensed|camera(?:work)?)\b|" + _YEAR_FACT, re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])|\n+")
_ABBREVIATION_WINDOW = 10  # longer than any abbreviation below, its word boundary included
_NOT_AN_END = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|Jr|Sr|St|Bros|Co|Inc|Ltd|vs|No|Vol|Lt|Col|Gen|Sgt|Capt))\.$")


def cue_passages(text: str) -> Iterator[tuple[int, str]]:
    """(offset, passage): runs of consecutive sentences that hold a credit cue word.

    Parsing only these is what makes the stage fast: plot sentences without a cue cannot
    credit anyone under any rule, so mentions are only recorded inside cue passages.
    """
    run_start = run_end = None
    position = 0
    # the abbreviation test looks only at the few characters before the end (slicing from the text's
    # start made a long text quadratic)
    ends = [m for m in _SENTENCE_END.finditer(text)
            if "\n" in m.group(0) or not _NOT_AN_END.search(text[max(0, m.start() - _ABBREVIATION_WINDOW):m.start()])]
    for match in [*ends, None]:
        end = match.start() if match else len(text)
        sentence = text[position:end]
        if CUE.search(sentence):
            run_start = position if run_start is None else run_start
            run_end = end
        elif run_start is not None:
            yield run_start, text[run_start:run_end]
            run_start = None
        if match is None:
            break
        position = match.end()
    if run_start is not None:
        yield run_start, text[run_start:run_end]
