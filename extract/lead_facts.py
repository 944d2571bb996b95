"""Facts a film's defining sentence states: "X is a 1997 Indian Tamil-language film", "based on the
1844 novel The Luck of Barry Lyndon".

Country and language come from the adjectives of the copula's "a ... film" phrase (a demonym
names the country; "<X>-language", or a name that is only a language, names the language);
the source work is the title after "based on (the) <kind of work>". Each fact names its rule so
its confidence is measured like the credit rules'.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from extract.relations import BASED_ON, IN_LANGUAGE, PRODUCED_IN

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
            if doc[end].pos_ in ("VERB", "AUX") or (doc[end].is_punct and doc[end].text not in {"-", ","}):
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
    found += _based_on(doc)
    return found


def _based_on(doc: Doc) -> list[tuple[str, Span, str, str]]:
    """"based on the 1844 novel The Luck of Barry Lyndon by ...": the title after the kind of work."""
    found = []
    for token in doc[:-2]:
        if token.lower_ != "based" or doc[token.i + 1].lower_ != "on":
            continue
        i = token.i + 2
        while i < len(doc) and i - token.i < 10 and not doc[i].is_title and doc[i].text not in {".", ";"}:
            if doc[i].lower_ in WORK_KINDS or doc[i].like_num or doc[i].lower_ in ("the", "a", "an", "of", "same", "name"):
                i += 1
            else:
                break
        start = i
        while i < len(doc) and (doc[i].is_title or (doc[i].lower_ in ("of", "the", "and", "a", "in") and i > start)
                                or doc[i].text in {"'", "’", ":"}) and doc[i].lower_ != "by":
            i += 1
        while i > start and doc[i - 1].lower_ in ("of", "the", "and", "a", "in", ":"):
            i -= 1
        if i > start and doc[start - 1].lower_ in WORK_KINDS | {"on"}:
            found.append((BASED_ON, doc[start:i], doc[start:i].text, "based_on_title"))
    return found
