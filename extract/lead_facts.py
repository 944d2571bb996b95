"""Facts a film's defining sentence states: "X is a 1997 Indian Tamil-language film", "based on the
1844 novel The Luck of Barry Lyndon", "It was released on 12 May 1994".

Country and language come from the adjectives of the copula's "a ... film" phrase (a demonym
names the country; "<X>-language", or a name that is only a language, names the language);
the source work is the title after "based on (the) <kind of work>"; the release year is the
year of that phrase, of "Title (1980) is a ...", or of the date the film itself was released or
premiered (not a sequel, a teaser, a DVD or a re-release). Each fact names its rule so
its confidence is measured like the credit rules'.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from extract.relations import BASED_ON, IN_LANGUAGE, PRODUCED_IN, RELEASE_YEAR

COPULA = {"is", "was", "are", "were", "be", "been", "'s"}
FILM_NOUNS = {"film", "movie", "documentary", "feature", "picture", "drama", "comedy", "thriller", "musical"}
DEMONYMS = {
    "american": "United States", "british": "United Kingdom", "indian": "India", "italian": "Italy",
    "french": "France", "german": "Germany", "japanese": "Japan", "chinese": "China", "pakistani": "Pakistan",
    "bangladeshi": "Bangladesh", "filipino": "Philippines", "spanish": "Spain", "mexican": "Mexico",
    "canadian": "Canada", "australian": "Australia", "argentine": "Argentina", "argentinian": "Argentina",
    "korean": "South Korea", "russian": "Russia", "soviet": "Soviet Union", "swedish": "Sweden", "danish": "Denmark",
    "norwegian": "Norway", "finnish": "Finland", "dutch": "Netherlands", "belgian": "Belgium", "irish": "Ireland",
    "icelandic": "Iceland", "iranian": "Iran", "turkish": "Turkey", "egyptian": "Egypt", "nigerian": "Nigeria",
    "brazilian": "Brazil", "polish": "Poland", "czech": "Czech Republic", "hungarian": "Hungary", "greek": "Greece",
    "israeli": "Israel", "thai": "Thailand", "indonesian": "Indonesia", "taiwanese": "Taiwan",
    "austrian": "Austria", "swiss": "Switzerland", "portuguese": "Portugal", "romanian": "Romania",
    "new zealand": "New Zealand", "hong kong": "Hong Kong", "south african": "South Africa", "chilean": "Chile",
    "colombian": "Colombia", "cuban": "Cuba", "lebanese": "Lebanon", "nepali": "Nepal", "sri lankan": "Sri Lanka",
}
# Names that are only a language (never a country's demonym in a film's lead).
LANGUAGE_ONLY = {
    "tamil", "telugu", "hindi", "malayalam", "kannada", "bengali", "marathi", "punjabi", "urdu", "gujarati",
    "odia", "bhojpuri", "assamese", "tagalog", "mandarin", "cantonese", "english", "yiddish", "tulu", "konkani",
}
WORK_KINDS = {"novel", "book", "play", "story", "short", "comic", "comics", "manga", "novella", "series", "musical",
              "memoir", "biography", "poem", "opera", "film", "game", "article", "stage", "autobiography"}


def _film_phrase(doc: Doc) -> list[Token]:
    """Modifiers of "is/was a [year] ... film" in a sentence, the determiner excluded."""
    for token in doc:
        if token.lower_ not in ("a", "an") or token.i == 0 or doc[token.i - 1].lower_ not in COPULA:
            continue
        end = token.i + 1
        while end < len(doc) and end - token.i <= 10 and doc[end].lower_ not in FILM_NOUNS:
            if (doc[end].pos_ in ("VERB", "AUX") and doc[end].dep_ != "amod") or (doc[end].is_punct and doc[end].text not in {"-", ",", "/"}):
                break
            end += 1
        if end < len(doc) and doc[end].lower_ in FILM_NOUNS:
            return list(doc[token.i + 1:end])
    return []


def lead_facts(doc: Doc) -> list[tuple[str, Span, str, str]]:
    """(relation, evidence span, value, rule): country and language of the film phrase, the source work."""
    found: list[tuple[str, Span, str, str]] = []
    phrase = _film_phrase(doc)
    for n, token in enumerate(phrase):
        word = token.lower_
        two = f"{word} {phrase[n + 1].lower_}" if n + 1 < len(phrase) else ""
        span = doc[token.i:token.i + 1]
        language_suffix = n + 2 < len(phrase) and phrase[n + 1].text == "-" and phrase[n + 2].lower_ == "language"
        if language_suffix or word in LANGUAGE_ONLY:
            found.append((IN_LANGUAGE, span, token.text, "film_phrase_language"))
        elif two in DEMONYMS:
            found.append((PRODUCED_IN, doc[token.i:token.i + 2], DEMONYMS[two], "film_phrase_country"))
        elif word in DEMONYMS and not (n > 0 and f"{phrase[n - 1].lower_} {word}" in DEMONYMS):
            found.append((PRODUCED_IN, span, DEMONYMS[word], "film_phrase_country"))
    found += _phrase_year(doc, phrase) + _released_year(doc)
    found += _based_on(doc)
    return found


YEAR = re.compile(r"^(?:18[89]\d|19\d\d|20[0-4]\d)$")
YEAR_IN_TEXT = re.compile(r"\b(18[89]\d|19\d\d|20[0-4]\d)\b")
RELEASE_VERBS = {"released", "release", "releases", "premiered", "premieres", "premiere", "debuted", "opened"}
# A release of something else than the film's first showing.
OTHER_RELEASES = {"dvd", "blu", "blu-ray", "vhs", "video", "home", "online", "digitally", "streaming", "television",
                  "tv", "netflix", "soundtrack", "album", "trailer", "teaser", "poster", "look", "song", "songs",
                  "sequel", "sequels", "prequel", "remake", "version", "cut", "edition", "dub", "dubbed", "restored",
                  "remastered", "reissue", "novel", "book", "game", "series", "episode", "single", "again"}
RELEASE_WORD = re.compile(r"\b(?:" + "|".join(sorted(RELEASE_VERBS)) + r")\b", re.I)
FILM_SUBJECTS = {"film", "movie", "picture", "it", "documentary", "feature"}
OTHER_FILM_WORDS = {"next", "previous", "earlier", "later", "another", "other", "latest", "last", "second", "third",
                    "new", "final", "original", "his", "her", "their", "its", "whose", "each", "both", "all", "these"}


def _phrase_year(doc: Doc, phrase: list[Token]) -> list[tuple[str, Span, str, str]]:
    """"is a 1994 American film" (the film phrase's year); "Title (1980) is a Bengali film"."""
    for token in phrase:
        if token.pos_ == "ADP" or token.lower_ in ("'s", "’s"):
            break  # "is a sequel to 2006's Cars": another film's year
        if YEAR.match(token.text) and not (token.i + 1 < len(doc) and doc[token.i + 1].lower_ in ("'s", "’s")):
            return [(RELEASE_YEAR, doc[token.i:token.i + 1], token.text, "film_phrase_year")]
    if not phrase:
        return []
    close = phrase[0].i - 3  # "(1980) is a": the year in brackets just before the copula
    if close >= 2 and doc[close].text == ")" and YEAR.match(doc[close - 1].text) and doc[close - 2].text == "(":
        return [(RELEASE_YEAR, doc[close - 1:close], doc[close - 1].text, "title_year")]
    return []


def _film_subject(verb: Token) -> bool:
    """Whether the verb's subject is the film the page is about ("The film", "It", its title)."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects and verb.dep_ == "conj":  # "premiered at ... and was released ...": the first verb's subject
        subjects = [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    if len(subjects) != 1:
        return False
    subject = subjects[0]
    words = {t.lower_ for t in subject.subtree}
    if words & (OTHER_RELEASES | OTHER_FILM_WORDS):
        return False
    return subject.lower_ in FILM_SUBJECTS or subject.pos_ == "PROPN"


CLAUSE_DEPS = {"prep", "pobj", "npadvmod", "nummod", "advmod", "agent", "compound", "amod", "appos", "dobj",
               "nmod", "det", "punct", "pcomp"}


def own_clause(verb: Token, depth: int = 3) -> list[Token]:
    """The words after ``verb`` that its own clause holds (dates, places, media), not a
    coordinated or subordinate clause ("..., and received a dubbed release in 1995")."""
    found, frontier = [], [verb]
    for _ in range(depth):
        frontier = [c for t in frontier for c in t.children if c.dep_ in CLAUSE_DEPS]
        found += [t for t in frontier if t.i > verb.i]
    return sorted(found, key=lambda t: t.i)


def _released_year(doc: Doc) -> list[tuple[str, Span, str, str]]:
    """"The film was released on 12 May 1994", "X premiered at Cannes in 1994": the year of the date
    the film's own release or premiere is given, when the clause names nothing else released."""
    found: list[tuple[str, Span, str, str]] = []
    if not RELEASE_WORD.search(doc.text):
        return found  # walking every token costs more than this rule
    for verb in doc:
        if verb.lower_ not in RELEASE_VERBS or verb.pos_ not in ("VERB", "AUX") or not _film_subject(verb):
            continue
        clause = own_clause(verb)
        if any(t.lower_ in OTHER_RELEASES for t in clause) or any(c.dep_ == "neg" for c in verb.children):
            continue
        for token in clause:
            if YEAR.match(token.text) and (token.ent_type_ == "DATE" or token.head.lower_ in ("in", "of")):
                found.append((RELEASE_YEAR, doc[token.i:token.i + 1], token.text, "released_year"))
                break
    return found


def choose_year(years: Iterable[str]) -> str | None:
    """One release year from the years read for a film: the earliest. Regional openings, dubbed
    versions and later releases come after the first showing (a festival premiere, the infobox's
    first date), never before it."""
    return min(years, default=None)


_TITLE_GLUE = {"of", "the", "and", "a", "in", "an", "to", "for", "on", "with", "at"}


def _title_run(doc: Doc, start: int) -> int:
    """End of the title starting at ``start``: title-case words, small words and colons inside,
    a comma only inside a title a "by <author>" closes ("Iron Knight, Silver Vase by X")."""
    i = start
    while i < len(doc) and doc[i].lower_ != "by" and i - start < 12:
        token = doc[i]
        comma = token.text == "," and i + 1 < len(doc) and doc[i + 1].is_title and any(
            t.lower_ == "by" for t in doc[i + 1:i + 6]) and not any(t.text == "," for t in doc[i + 1:i + 6])
        if token.is_title or token.like_num and i > start or (token.lower_ in _TITLE_GLUE and i > start) \
                or token.text in {"'", "’", ":", "-"} or comma:
            i += 1
        else:
            break
    while i > start and (doc[i - 1].lower_ in _TITLE_GLUE or doc[i - 1].text in {":", ",", "-"}):
        i -= 1
    return i


def _defined_title(token: Token) -> str | None:
    """The title of "Title is a 1969 film based on ...": the proper-noun subject of the copula the
    phrase hangs on (None when the sentence defines no film by name)."""
    root = token.sent.root
    subjects = [c for c in root.children if c.dep_ == "nsubj"] if root.lower_ in COPULA else []
    if len(subjects) != 1 or subjects[0].pos_ != "PROPN":
        return None
    subject = subjects[0]
    return token.doc[subject.left_edge.i:subject.i + 1].text


def _based_on(doc: Doc) -> list[tuple[str, Span, str, str]]:
    """"based on the 1844 novel The Luck of Barry Lyndon by ...", "based on Henry Miller's novel
    Tropic of Cancer", "adapted from the Fannie Hurst novel Sister Act": the title after the kind of
    work (an author's possessive skipped); "the novel of the same name" is the film's own title."""
    found = []
    for token in doc[:-2]:
        source = (token.lower_ == "based" and doc[token.i + 1].lower_ in ("on", "upon")) or (
            token.lower_ == "adapted" and doc[token.i + 1].lower_ == "from")
        if not source:
            continue
        i = token.i + 2
        kind = False
        while i < len(doc) and i - token.i < 12 and doc[i].text not in {".", ";"}:
            owner = _title_run(doc, i) if doc[i].is_title else i
            if owner > i and owner < len(doc) and doc[owner].text in ("'s", "’s", "'"):
                i = owner + 1  # "Henry Miller's novel ...": the author, not the title
            elif owner > i and owner < len(doc) and doc[owner].lower_ in WORK_KINDS:
                i = owner  # "the Fannie Hurst novel Sister Act": the author names the kind of work
            elif doc[i].lower_ in WORK_KINDS:
                kind = True
                i += 1
            elif not doc[i].is_title and (doc[i].like_num or doc[i].lower_ in ("the", "a", "an") or
                                          (doc[i].pos_ == "ADJ" and doc[i].is_lower)):
                i += 1
            else:
                break
        if kind and [t.lower_ for t in doc[i:i + 4]] == ["of", "the", "same", "name"]:
            title = _defined_title(token)  # the film's own title, when the sentence defines the film
            if title is not None:
                found.append((BASED_ON, doc[i:i + 4], title, "based_on_title"))
            continue
        start = i
        end = _title_run(doc, start) if start < len(doc) else start
        after_kind = kind and doc[start - 1].lower_ in WORK_KINDS
        if end > start and (after_kind or doc[start - 1].lower_ in ("on", "upon", "from")):
            found.append((BASED_ON, doc[start:end], doc[start:end].text, "based_on_title"))
    return found
