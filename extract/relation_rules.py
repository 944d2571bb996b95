"""Relation rules over the dependency parse: which people and companies a film text credits, and how.

Registered as the spaCy component ``RULES_NAME``; it stores its findings on
``doc._.mmkg_relations`` so the stage can resolve the names and attach them to the movie.
Each finding names the rule that fired, so its confidence can be the rule's measured precision
(``extract/rule_confidence.json``, written by ``mmkg extract-quality --calibrate``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from extract.cast_list import CastLine, credited
from extract.co_words import CO_LEMMAS
from extract.lead_facts import OTHER_RELEASES, own_clause, lead_facts
from extract.rule_families import check_versions
from extract.relations import (
    CINEMATOGRAPHY_BY, DIRECTED_BY, DISTRIBUTED_BY, EDITED_BY, MADE_BY, MUSIC_BY, PRODUCED_BY, STARRING,
    WRITTEN_BY,
)

RULES_NAME = "mmkg_relation_rules_v9"
TRIM_NAME = "mmkg_trim_person_titles_v4"
# relations.extractor of what these rules read
EXTRACTOR = "spacy-rules-v9"
CALIBRATION_PATH = Path(__file__).with_name("rule_confidence.json")
# Confidence of a rule the tuning data never saw fire: unmeasured, so no threshold lets it through.
UNMEASURED_CONFIDENCE = 0.0

# Verbs whose "by"-agent is credited: "directed by X", "music composed by X", "played by X".
AGENT_VERBS = {
    "direct": DIRECTED_BY, "co-direct": DIRECTED_BY, "helm": DIRECTED_BY,
    "write": WRITTEN_BY, "co-write": WRITTEN_BY, "pen": WRITTEN_BY, "script": WRITTEN_BY, "adapt": WRITTEN_BY,
    "produce": PRODUCED_BY, "co-produce": PRODUCED_BY, "bankroll": PRODUCED_BY,
    "compose": MUSIC_BY, "score": MUSIC_BY,
    "edit": EDITED_BY,
    "photograph": CINEMATOGRAPHY_BY, "shoot": CINEMATOGRAPHY_BY, "lense": CINEMATOGRAPHY_BY, "lens": CINEMATOGRAPHY_BY,
    "play": STARRING, "portray": STARRING, "act": STARRING, "voice": STARRING, "perform": STARRING,
    "star": STARRING, "co-star": STARRING,  # "It is starred and produced by X"
    "distribute": DISTRIBUTED_BY, "release": DISTRIBUTED_BY,
}
# Star verbs among the agent verbs: their agent is credited as "starring X" is (rule ``star_object``),
# not as a role "played by X" in a plot is (``credit_by``).
STAR_AGENT_VERBS = {"star", "co-star"}
# Verbs whose subject is credited when the object is the work: "X directed the film".
SUBJECT_VERBS = {
    "direct": DIRECTED_BY, "co-direct": DIRECTED_BY, "helm": DIRECTED_BY, "write": WRITTEN_BY, "co-write": WRITTEN_BY,
    "pen": WRITTEN_BY, "script": WRITTEN_BY, "adapt": WRITTEN_BY, "produce": PRODUCED_BY,
    "co-produce": PRODUCED_BY, "compose": MUSIC_BY, "score": MUSIC_BY, "edit": EDITED_BY,
    "photograph": CINEMATOGRAPHY_BY, "lens": CINEMATOGRAPHY_BY, "lense": CINEMATOGRAPHY_BY,  # not "shoot": directors shoot films too
}
STAR_WORDS = {
    "star", "stars", "starred", "starring", "co-star", "co-stars", "co-starred", "co-starring",
    "feature", "features", "featured", "featuring",
}
# "A and B play lead roles": the role's adjective says the name is top billing.
LEAD_WORDS = {"lead", "leading", "main", "title", "titular", "pivotal", "central", "significant", "principal",
              "starring", "key", "major", "primary", "important", "prominent", "crucial", "dual", "double"}
# "X by P": the noun says which credit P holds.
WORK_BY_NOUNS = {
    "screenplay": WRITTEN_BY, "script": WRITTEN_BY, "teleplay": WRITTEN_BY, "story": WRITTEN_BY,
    "dialogue": WRITTEN_BY, "dialogues": WRITTEN_BY,
    "music": MUSIC_BY, "score": MUSIC_BY, "soundtrack": MUSIC_BY, "songs": MUSIC_BY,
    "cinematography": CINEMATOGRAPHY_BY, "photography": CINEMATOGRAPHY_BY, "editing": EDITED_BY,
    "camerawork": CINEMATOGRAPHY_BY, "camera": CINEMATOGRAPHY_BY,  # "Camera: X", "X handled the camera"
    "film": DIRECTED_BY, "movie": DIRECTED_BY, "picture": DIRECTED_BY, "documentary": DIRECTED_BY,
}
ROLE_NOUNS = {
    "director": DIRECTED_BY, "filmmaker": DIRECTED_BY, "co-director": DIRECTED_BY,
    "writer": WRITTEN_BY, "screenwriter": WRITTEN_BY, "scriptwriter": WRITTEN_BY, "co-writer": WRITTEN_BY,
    "producer": PRODUCED_BY, "co-producer": PRODUCED_BY, "composer": MUSIC_BY,
    "cinematographer": CINEMATOGRAPHY_BY, "editor": EDITED_BY,
}
# Words a person name should not start with: "Screenwriter Alex Tse" is Alex Tse.
TITLE_WORDS = set(ROLE_NOUNS) | {
    "directors", "writers", "screenwriters", "filmmakers", "actor", "actress", "producers", "composers",
    "star", "co-star", "also", "starring", "stars", "with",
}
WORK_NOUNS = {"film", "movie", "picture", "documentary", "feature", "drama", "comedy", "thriller", "it", "sequel"}
# Nouns a film is called by in its defining sentence ("a 1994 Tamil-language action masala directed by X").
GENRE_NOUNS = {"musical", "western", "romance", "horror", "fantasy", "adventure", "action", "animation", "biopic",
               "satire", "parody", "mockumentary", "anthology", "short", "epic", "noir", "melodrama", "spoof",
               "adaptation", "production", "installment", "instalment", "entry", "part", "chapter", "project",
               "venture", "debut", "effort", "vehicle", "blockbuster", "hit", "masala", "romcom", "tragedy", "farce",
               "crime", "mystery", "science", "fiction", "war", "spy", "heist", "slasher", "classic", "one", "work",
               "feature-length", "film-noir", "telefilm", "serial", "cartoon", "piece", "story", "tale", "saga"}
# Objects that make "X directed/wrote <object>" a credit for this film, not a plot event.
CREDIT_OBJECTS = WORK_NOUNS | set(WORK_BY_NOUNS) | {"lyrics"}
# Tokens that may sit between coordinated credit verbs: "written, directed and co-produced by".
_VERB_LIST_GLUE = {",", "and", "co", "-", "as", "well", "also"}
CAST_NOUNS = {"cast", "ensemble", "lineup"}
# "under the direction of X", "the directorial debut of X", "X's directorial venture": the noun is this film's direction.
DIRECTION_NOUN = "direction"
DEBUT_NOUNS = {"debut", "venture", "effort", "outing", "feature", "film", "project"}
# Verbs of saying: "Director X had revealed that ...": a director speaking, of this film or another.
REPORT_VERBS = {"reveal", "say", "state", "tell", "claim", "admit", "note", "praise", "call", "describe", "recall",
                "remark", "explain", "announce", "confirm", "express", "comment", "criticise", "criticize", "suggest"}
# Works other than the film a credit verb may be about.
OTHER_WORKS = {"track", "tracks", "song", "songs", "lyric", "lyrics", "comic", "series", "book", "novel", "episode",
               "album", "article", "review", "game", "issue", "play", "poem", "column", "blog", "show", "miniseries",
               "serial", "video", "commercial"}
# "the original film", "the first film": a film before this one (a sequel's or remake's page).
EARLIER_FILM_WORDS = {"original", "first", "previous", "earlier", "prior", "preceding"}
# Films other than this one that a credit may be about, unless the phrase defines this film ("is a sequel to").
OTHER_FILMS = {"remake", "sequel", "prequel", "original", "predecessor", "follow-up", "spin-off", "reboot", "version"}
MUSIC_NOUNS = {"music", "score", "soundtrack"}
# Nouns of a script only ("her story" in a plot is a character's, not a credit).
SCRIPT_NOUNS = {"screenplay", "script", "teleplay"}
SOURCE_VERBS = {"base", "adapt", "inspire", "derive"}  # "based on <another work> written by X"
# Works a film is adapted from: "X adapted the novel", "the play was adapted by X" credit X as the film's writer.
SOURCE_WORKS = {"novel", "book", "play", "story", "comic", "manga", "memoir", "biography", "poem", "novella",
                "article", "stage"}
SOURCE_PREPOSITIONS = {"on", "upon", "from", "by", "of", "to"}
# "written by the trio of A, B and C": the group noun hands its credit to its members.
GROUP_NOUNS = {"trio", "duo", "team", "group", "troupe", "pair", "partnership", "collective"}
# "the roles are supporting": names in such a clause are not the top billing.
SUPPORTING_WORDS = {"supporting", "minor", "cameo", "guest", "small"}
# "with his writing partner X": the noun stands for the person named beside it.
PARTNER_NOUNS = {"partner", "collaborator", "co-writer", "brother", "sister", "wife", "husband", "son", "daughter",
                 "friend", "colleague", "father", "mother", "uncle", "aunt", "nephew", "niece", "cousin"}
# Subjects whose "features X" credits a performer of the music, not a star of the film.
MUSIC_WORK_NOUNS = {"soundtrack", "album", "score", "song", "single", "record", "track", "music"}
CAST_VERBS = {"include", "includes", "included", "including", "feature", "comprise", "comprises"}
COMPANY_LABELS = {"ORG"}
# Labels the small model often gives to people's names ("Prashanth Neel" ORG, "Jordan" GPE):
# in a person's credit slot they are read as people, under their own measured rule.
MISLABELLED_PERSON = {"ORG", "GPE", "NORP", "PRODUCT", "FAC", "LOC"}
MISLABELLED_SUFFIX = ":not_person_label"
# ... but a place or building keeps its label: an article before it or a place noun at its end
# ("features the Eiffel Tower", "New York City as a backdrop") is not how people are named.
PLACE_LABELS = {"FAC", "LOC", "GPE"}
PLACE_NOUNS = {"tower", "city", "bridge", "river", "museum", "hotel", "station", "palace", "square", "building",
               "cathedral", "castle", "valley", "beach", "avenue", "road", "airport", "harbour", "harbor", "desert",
               "ocean", "canyon", "county", "village", "district", "island"}  # not "park", "hall", "temple": surnames
# Proper nouns the model tagged as no entity at all ("directed by Pugazhmani"), read under their own rule.
NO_ENTITY_SUFFIX = ":no_entity"


@dataclass(frozen=True)
class FoundRelation:
    """One credit read from text: ``person`` (a span of the doc) holds ``relation`` to the film."""

    relation: str
    person: Span
    confidence: float
    rule: str
    qualifier: str | None = None   # the character an actor plays
    value: str | None = None       # the name meant when it is not the span's text ("American" -> United States)

    @property
    def evidence(self) -> str:
        """The whole sentence, so a stored relation can be checked against the text it came from."""
        return self.person.sent.text.strip()


def load_confidences(path: Path = CALIBRATION_PATH) -> dict[str, float]:
    """"relation/rule" and "rule" -> measured precision on the tuning data (see ``extract/calibrate.py``)."""
    if not path.exists():
        return {}
    return {rule: float(row["confidence"]) for rule, row in json.loads(path.read_text(encoding="utf-8")).items()}


def _first_conjunct(token: Token) -> Token:
    """Climb list links: in "X, Y and Z" every name takes the role of X (the parser sometimes
    attaches a listed name as an apposition of the previous one, right after it and a comma; not
    one a clause away: "X, who made A and B, wrote ..." leaves B out)."""
    while token.head != token and (token.dep_ == "conj" or (
            token.dep_ == "appos" and token.pos_ == token.head.pos_ == "PROPN" and _listed_after(token))):
        token = token.head
    return token


def _listed_after(token: Token) -> bool:
    """``token``'s phrase follows its head right after a comma or bracket ("Donnie Yen, Michelle Yeoh",
    "the Lane Sisters (Priscilla Lane, ...)")."""
    head, doc = token.head, token.doc
    start = token.left_edge.i
    while start < token.i and doc[start].is_punct:
        start += 1
    between = doc[head.i + 1:start]
    return token.i > head.i and len(between) == 1 and between[0].text in {",", "(", ":", "–", "-"}


_LEMMATIZER: list[Any] = []  # the pipeline's (disabled) lemmatizer, set by the factory


def _lemma(token: Token) -> str:
    """The token's lemma; the stage runs without the lemmatizer (it costs a tenth of the parse),
    so the few tokens the rules ask about are lemmatised here, by the same rules, and kept
    ("co-wrote", one token, is "co-write": ``co_words.CO_LEMMAS``)."""
    if not token.lemma_ and token.lower_ in CO_LEMMAS:
        token.lemma_ = CO_LEMMAS[token.lower_]
    if not token.lemma_ and _LEMMATIZER:
        token.lemma_ = _LEMMATIZER[0].rule_lemmatize(token)[0]
    return token.lemma_.lower()


def _has_own_agent(verb: Token) -> bool:
    return any(child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by") for child in verb.children)


def _dangling_by(token: Token) -> bool:
    """A "by" with nothing after it but the list: "directed by, produced by, and starring X"."""
    return token.lower_ == "by" and all(c.is_punct for c in token.children)


def _chained(verb: Token, other: Token) -> bool:
    """``other`` sits in the same verb chain right before ``verb``: only glue, adverbs and credit
    verbs between them ("written, co-produced and directed by"; "directed by, produced by and
    written by"), not "written by A, adapted from B, and was directed by C"."""
    return other.i < verb.i and all(
        t.lower_ in _VERB_LIST_GLUE or t.pos_ == "ADV" or _lemma(t) in AGENT_VERBS or _dangling_by(t)
        for t in verb.doc[other.i + 1:verb.i])


def _chain_before(verb: Token) -> list[Token]:
    """The credit verbs listed right before ``verb`` with only glue, credit verbs and dangling "by"s
    between ("written, directed by and starring X": written, directed)."""
    found = []
    left = verb.i - 1
    while left >= verb.sent.start and (verb.doc[left].lower_ in _VERB_LIST_GLUE or _lemma(verb.doc[left]) in AGENT_VERBS
                                       or _dangling_by(verb.doc[left])):
        found.append(verb.doc[left])
        left -= 1
    return found


def _dangling_credits(verb: Token) -> set[str]:
    """"directed by, produced by, and starring X": the credit verbs whose "by" dangles before the
    star verb hold X too (the parse gives X to "starring" alone); none without a dangling "by"."""
    chain = _chain_before(verb)
    first_by = next((i for i, t in enumerate(chain) if _dangling_by(t)), None)
    if first_by is None:
        return set()
    return {AGENT_VERBS[_lemma(t)] for t in chain[first_by:] if _lemma(t) in AGENT_VERBS and t.pos_ == "VERB"} - {STARRING}


def _credits_other_work(verb: Token) -> bool:
    """The credit verb's work is not the film: "All tracks written by X", "a comic-book series written by X",
    "a remake of the 1954 film directed by X", "A sequel, directed by X, followed"."""
    works = [c for c in verb.children if c.dep_ in ("nsubjpass", "nsubj")]
    if verb.dep_ == "acl":
        works.append(verb.head)
    if _lemma(verb) == "adapt":  # "The novel was adapted for the screen by X": the source is what is adapted
        works = [w for w in works if _lemma(w) not in SOURCE_WORKS]
    if any(_lemma(w) in OTHER_WORKS or w.lower_ in OTHER_WORKS for w in works):
        return True
    if any(_lemma(w) in OTHER_FILMS and w.dep_ != "attr" for w in works):  # "X is a sequel to Y directed by Z" is its own
        return True
    if any(w.dep_ == "nsubjpass" and w.head == verb and _lemma(w) in WORK_NOUNS and any(
            c.dep_ == "amod" and c.lower_ in EARLIER_FILM_WORDS for c in w.children) for w in works):
        # "The original film was written by X", "the first film was directed by Y": another film; not
        # "the first film directed by X, it stars ...", which calls this film X's first
        return True
    if any(_other_title(w) for w in works if w.dep_ != "nsubj"):
        return True
    return _inside_source_phrase(verb)


def _other_release(verb: Token) -> bool:
    """A release of something else than the film's first run: a soundtrack, a DVD, online, on television."""
    return any(t.lower_ in OTHER_RELEASES for t in own_clause(verb)) or any(
        c.dep_ in ("nsubjpass", "nsubj") and any(t.lower_ in OTHER_RELEASES for t in c.subtree) for c in verb.children)


def _other_title(token: Token) -> bool:
    """A title that is not this film's: a WORK_OF_ART the build does not know as this film's title,
    or a proper noun dated in brackets ("his earlier Kal Ho Naa Ho (2003), directed by X") that is
    not the sentence's subject."""
    if token.ent_type_ == "WORK_OF_ART" and token.ent_id_ != "title":
        return True
    doc = token.doc
    end = next((e.end for e in doc.ents if e.start <= token.i < e.end), token.i + 1)
    dated = end + 2 < len(doc) and doc[end].text == "(" and doc[end + 1].like_num \
        and len(doc[end + 1].text) == 4 and doc[end + 2].text == ")"
    subject = token.dep_ in ("nsubj", "nsubjpass", "ROOT")  # "Sholay (1975), directed by X, is ...": the page's own film
    return token.pos_ == "PROPN" and token.ent_id_ != "title" and dated and not subject


# "directed the film for Columbia": the film is made for a studio, so "for" names no other work.
CLIENT_NOUNS = {"film", "movie", "picture", "it"}


def _of_another_work(noun: Token) -> bool:
    """"the screenplay for Chinatown", "the script of Alien": a credit noun named for another work
    ("the film for Columbia" is this film, made for a studio)."""
    prepositions = ("of",) if noun.lower_ in CLIENT_NOUNS else ("for", "of")
    return any(p.dep_ == "prep" and p.lower_ in prepositions and any(
        o.dep_ == "pobj" and (o.pos_ == "PROPN" or o.ent_type_ == "WORK_OF_ART") and not o.ent_id_ for o in p.children)
        for p in noun.children)


def _year_word(token: Token) -> bool:
    return token.like_num and len(token.text) == 4


def _dated(noun: Token) -> bool:
    return any(c.dep_ in ("nummod", "compound", "amod") and _year_word(c) for c in noun.children)


def _named_other_work(noun: Token) -> bool:
    """"the 2009 film Watchmen", "the 1999 film": a work noun dated in the credit, so the verb credits
    the subject for another work (a title alone may be this film's own: "X wrote the film Y")."""
    return _lemma(noun) in WORK_NOUNS and noun.lower_ != "it" and _dated(noun)


def _published_story(noun: Token) -> bool:
    """"the short story by X", "the 1954 story by X": a published source work whose author the
    film adapts (its "based on"), not the film's story credit ("from a story by X")."""
    return _lemma(noun) == "story" and any(
        c.lower_ == "short" or _year_word(c) for c in noun.children)


def _titled_work(noun: Token) -> bool:
    """"the 2009 film Watchmen" parsed with the title as head: a title after a dated work noun."""
    return noun.pos_ == "PROPN" and noun.ent_id_ != "title" and any(
        c.dep_ == "compound" and _lemma(c) in WORK_NOUNS and _dated(c) for c in noun.children)


def _career_clause(token: Token) -> bool:
    """"Screenwriter X, who co-wrote the 2009 film Y, ...": a relative clause crediting the name for
    another work, so a job title beside the name is that career's, not this film's."""
    for clause in (c for c in token.children if c.dep_ == "relcl"):
        objects = [c for c in clause.children if c.dep_ == "dobj"]
        if _lemma(clause) in SUBJECT_VERBS and any(_named_other_work(o) or _titled_work(o) for o in objects):
            return True
    return False


def _inside_source_phrase(verb: Token) -> bool:
    """The verb sits in a phrase about another work: "based on the novel of the same name written by X",
    "a remake of Jaws, the 1975 film directed by X", "inspired by the book written by X"."""
    through_prep = False
    child = verb
    for ancestor in verb.ancestors:
        # the path enters the source by its own preposition: "based on", "remake of", "sequel to"
        # ("based on A, with music composed by B": "with" hangs on "based" but B is this film's)
        if through_prep and child.lower_ in SOURCE_PREPOSITIONS and (
                _lemma(ancestor) in SOURCE_VERBS or _lemma(ancestor) in OTHER_FILMS):
            return True
        if ancestor.dep_ == "prep" or ancestor.pos_ == "ADP":
            through_prep = True
        child = ancestor
        if ancestor.dep_ in ("ROOT", "conj", "ccomp", "advcl") and ancestor.pos_ in ("VERB", "AUX"):
            return False  # the clause ends here
    return False


def _music_credit(noun: Token, relations: set[str]) -> set[str]:
    """"The music was written by X", "X wrote the score": a writing verb on music credits the composer."""
    if _lemma(noun) in MUSIC_NOUNS and relations & {WRITTEN_BY, MUSIC_BY}:
        return {MUSIC_BY}
    return relations


def _agent_rule(relation: str, starred: bool, lead: bool) -> str:
    """The rule of a "by"-agent credit: a star verb's is ``star_object`` ("starred by X"), a lead
    role's ``lead_role`` ("The title role is played by X"), any other ``credit_by``."""
    if relation != STARRING:
        return "credit_by"
    return "star_object" if starred else "lead_role" if lead else "credit_by"


def _agent_relations(verb: Token) -> set[str]:
    """Relations of a credit verb and the verbs listed with it ("written, directed and produced
    by X"); a listed verb with its own "by" ("directed by X and written by Y") is not X's."""
    top = _first_conjunct(verb)
    if _credits_other_work(verb) or (top != verb and _chained(verb, top) and _credits_other_work(top)):
        return set()  # "The theme song was written and performed by X": the work is the first verb's subject
    group = {top} | {t for t in top.subtree if t.dep_ == "conj" and _first_conjunct(t) == top and t.pos_ == "VERB"}
    verbs = {verb} | {v for v in group if not _has_own_agent(v) and _chained(verb, v)} | set(_chain_before(verb))
    relations = {AGENT_VERBS[_lemma(v)] for v in verbs if _lemma(v) in AGENT_VERBS}
    if DISTRIBUTED_BY in relations and _other_release(verb):
        relations.discard(DISTRIBUTED_BY)  # "the soundtrack was released on CD by X", "released online by X"
    for subject in (c for c in verb.children if c.dep_ == "nsubjpass"):
        relations = _music_credit(subject, relations)
    top = _first_conjunct(verb)  # "planned and directed by X": the object is the first verb's
    works = [c for v in {verb, top} for c in v.children if c.dep_ == "nsubjpass"] + ([top.head] if top.dep_ == "acl" else [])
    if any(_plot_object(w) for w in works):
        relations &= {STARRING}  # "a letter written by her father": a thing in the story; "a role played by X" stays
    if any(w.ent_type_ == "PERSON" or w.lower_ in PERSONAL_PRONOUNS for w in works):
        relations.discard(CINEMATOGRAPHY_BY)  # "Tom is shot by Jerry", "he was photographed by": the story's
    return relations


REFLEXIVES = {"himself", "herself", "themselves"}
PERSONAL_PRONOUNS = {"he", "she", "they", "him", "her", "them", "who", "i", "we", "you"}
# Verbs that hand a credit noun to its holder: "X handled the cinematography", "the editing was done by X".
HANDLING_VERBS = {"handle", "do", "provide", "render", "perform", "helm", "oversee", "crank", "wield"}
# "X's cinematography", "X's editing": a crew credit noun owned by its holder.
POSSESSED_CREDITS = {"cinematography", "camerawork", "photography", "editing"}


def _credit_noun_relation(noun: Token) -> str | None:
    """The relation of a crew credit noun ("cinematography", "music", "editing"), not of the film itself."""
    relation = WORK_BY_NOUNS.get(noun.lower_) or WORK_BY_NOUNS.get(_lemma(noun))
    return relation if noun.pos_ == "NOUN" and relation is not None and relation != DIRECTED_BY else None


def _plot_object(noun: Token) -> bool:
    """A common noun that is neither a work nor a credit ("letter", "attack", "plan"): what a
    credit verb does to it happens in the story, it credits no one for the film."""
    while _story_noun(noun):
        if not (noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.pos_ in ("NOUN", "PROPN")):
            return True
        noun = noun.head.head  # "a 1948 film with a mythological theme, directed by X": the parse hung it on "theme"
    return False


def _story_noun(noun: Token) -> bool:
    lemma = _lemma(noun)  # a capitalised "noun" is a name or title the tagger missed ("Sholay (1975), directed by")
    return noun.pos_ == "NOUN" and noun.text[:1].islower() and lemma not in CREDIT_OBJECTS and noun.lower_ not in CREDIT_OBJECTS \
        and lemma not in GENRE_NOUNS and lemma not in CAST_NOUNS and lemma not in OTHER_FILMS \
        and lemma not in SOURCE_WORKS and lemma not in OTHER_WORKS  # works: judged by ``_credits_other_work``


def _has_own_subject(verb: Token) -> bool:
    return any(child.dep_ in ("nsubj", "nsubjpass") for child in verb.children)


def _subject_relations(verb: Token) -> set[str]:
    """"X wrote and directed the film": credit verbs sharing X as subject, with a film-like object."""
    verbs = [verb] + [t for t in verb.subtree if t.dep_ == "conj" and _first_conjunct(t) == verb and not _has_own_subject(t)]
    # "X wrote, directed and produced the film": the parser may hang the list on "wrote" as an xcomp
    verbs += [t for t in verb.subtree if t.dep_ in ("xcomp", "conj") and t not in verbs and t.pos_ == "VERB"
              and not _has_own_subject(t) and _lemma(t) in SUBJECT_VERBS and _chained(t, verb)]
    found = set()
    for v in verbs:
        if any(c.dep_ == "ccomp" for c in v.children):  # "X wrote that ...": a critic, not a credit
            continue
        objects = [c for c in v.children if c.dep_ == "dobj"]
        if any(_of_another_work(o) for o in objects):  # "X wrote the screenplay for Chinatown"
            continue
        adapted = {o for o in objects if _lemma(v) == "adapt" and _lemma(o) in SOURCE_WORKS}  # "X adapted the novel"
        if _lemma(v) in SUBJECT_VERBS and all(o.lower_ in CREDIT_OBJECTS or _lemma(o) in CREDIT_OBJECTS or o in adapted
                                              for o in objects):
            relations = {SUBJECT_VERBS[_lemma(v)]}
            for o in objects:
                relations = set() if _lemma(o) in {"lyric", "lyrics", "song"} else _music_credit(o, relations)
            found |= relations
        handled = {_credit_noun_relation(o) for o in objects}
        if _lemma(v) in HANDLING_VERBS and objects and None not in handled:  # "X handled the cinematography"
            found |= handled
        if v.lower_ in STAR_WORDS and any(c.dep_ == "prep" and c.lower_ in ("as", "in", "alongside", "opposite") for c in v.children):
            found.add(STARRING)
    return found


# Modifiers a job title may carry and still be this film's credit: "the story writer", "its music composer".
ROLE_MODIFIERS = {"story", "screenplay", "script", "dialogue", "music", "film", "movie", "original", "credited"}


# "a story credit", "sole screenplay credit": the credit noun's modifier says which credit.
CREDIT_NOUN_MODIFIERS = {"story": WRITTEN_BY, "screenplay": WRITTEN_BY, "writing": WRITTEN_BY,
                         "screenwriting": WRITTEN_BY, "script": WRITTEN_BY, "directing": DIRECTED_BY,
                         "directorial": DIRECTED_BY}
CREDIT_TAKING_VERBS = {"receive", "get", "earn", "share", "take", "gain"}


def _credit_nouns(verb: Token) -> set[str]:
    """Relations of the credit nouns ``verb`` gives or takes: "gave a story credit to X"."""
    return {CREDIT_NOUN_MODIFIERS[m.lower_] for c in verb.children if c.dep_ == "dobj" and _lemma(c) == "credit"
            for m in c.children if m.dep_ in ("compound", "amod") and m.lower_ in CREDIT_NOUN_MODIFIERS}


def _in_cast(verb: Token) -> bool:
    """The clause sits "in the (film's ensemble) cast", not in a supporting one."""
    return any(c.dep_ == "prep" and c.lower_ == "in" and any(
        o.dep_ == "pobj" and _lemma(o) in CAST_NOUNS and not any(m.lower_ in SUPPORTING_WORDS for m in o.children)
        for o in c.children) for c in verb.children)


def _copular_roles(verb: Token) -> set[str]:
    """"The director was X", "The story writer was X", "Its composer is X": the subject is a job
    title of this film (no other modifier: "the assistant director", "a Pixar director" are not)."""
    found = set()
    for subject in (c for c in verb.children if c.dep_ == "nsubj"):
        relation = ROLE_NOUNS.get(_lemma(subject))
        modifiers = [c for c in subject.children if c.dep_ in ("compound", "amod", "nmod")]
        determined = any(c.dep_ in ("det", "poss") and c.lower_ in {"the", "its", "'s"} or c.dep_ == "poss"
                         for c in subject.children)
        of = [p.children for p in subject.children if p.dep_ == "prep"]
        objects = {o.lower_ for children in of for o in children if o.dep_ == "pobj"}
        if relation == DIRECTED_BY and objects & {"photography", "cinematography"}:  # "the director of photography"
            relation = CINEMATOGRAPHY_BY
        elif objects - WORK_NOUNS:  # "the director of the institute"
            relation = None
        if relation and determined and all(m.lower_ in ROLE_MODIFIERS for m in modifiers):
            found.add(relation)
    return found


SERVING_VERBS = {"serve", "act", "work", "function"}
# "X was roped in / signed / hired as the cinematographer": a passive hiring verb with "as <this film's job>".
HIRING_VERBS = {"rope", "sign", "hire", "recruit", "bring", "select", "choose", "pick", "confirm", "finalise", "finalize"}
# Crew titles held bare: "X served as cinematographer / director of photography / editor".
BARE_TITLES = {CINEMATOGRAPHY_BY, EDITED_BY}


def _own_job_title(noun: Token) -> str | None:
    """The relation of "the cinematographer", "the music director", "the film's editor" (this film's
    job, determined; not "a director", "the assistant director", "the director of the institute")."""
    relation = _plain_role(noun, held=True) if not noun.is_title else None
    determined = any((c.dep_ == "det" and c.lower_ == "the") or _film_owner(c) for c in noun.children) or (
        relation in BARE_TITLES and not any(c.dep_ == "det" for c in noun.children))
    objects = {o.lower_ for p in noun.children if p.dep_ == "prep" for o in p.children if o.dep_ == "pobj"}
    if relation is None or not determined or objects - WORK_NOUNS - {"photography", "cinematography"}:
        return None
    return relation


def _held_roles(verb: Token, subject: Token) -> set[str]:
    """Job titles the subject holds: "X was the music director", "X served as the cinematographer
    and Y as the editor" (Y, gapped, takes the "as" right after it)."""
    titles = []
    if _lemma(verb) == "be":
        titles = [c for c in verb.children if c.dep_ == "attr"]
    elif _lemma(verb) in SERVING_VERBS or (_lemma(verb) in HIRING_VERBS and subject.dep_ == "nsubjpass"):
        titles = [o for c in verb.children if c.dep_ == "prep" and c.lower_ == "as" for o in c.children if o.dep_ == "pobj"]
    return {r for r in (_own_job_title(t) for t in titles[:1]) if r}


ENLISTING_VERBS = HIRING_VERBS | {"enlist", "tap", "engage"}
# A hire that did not last or was for later: "X, originally hired to direct, left the project".
UNDONE_HIRE_WORDS = {"originally", "initially", "first", "replace", "replaced", "left", "leave", "depart", "departed",
                     "quit", "fired", "dropped", "exit", "exited", "but", "before", "sequel", "remake"}


def _hired_to_credit(head: Token) -> set[str]:
    """"Universal hired X to direct the film", "Y enlisted a veteran of the series, X, to direct the
    film": a director hired for this film, in a sentence that does not undo the hire. A writer hired
    is no credit ("Screenwriter X ... was hired to write the screenplay", dev: not in the infobox):
    scripts are rewritten and their credits arbitrated."""
    verb = head.head
    if head.dep_ == "appos" and verb.dep_ == "dobj":  # "enlisted a veteran of the series, X, to direct"
        verb = verb.head
    elif head.dep_ not in ("dobj", "nsubjpass"):
        return set()
    if _lemma(verb) not in ENLISTING_VERBS or any(t.lower_ in UNDONE_HIRE_WORDS or _lemma(t) in UNDONE_HIRE_WORDS
                                                  for t in verb.sent):
        return set()
    found = set()
    for credit in (c for c in verb.children if c.dep_ == "xcomp" and _lemma(c) in SUBJECT_VERBS):
        objects = [o for o in credit.children if o.dep_ == "dobj"]
        if objects and all(_this_film(o) for o in objects) and SUBJECT_VERBS[_lemma(credit)] == DIRECTED_BY:
            found.add(DIRECTED_BY)
    return found


DIRECTING_VERBS = {"direct", "co-direct", "helm"}


def _hired_by_surface(person: Span) -> set[str]:
    """"Brooks, who enlisted long-time veteran of the series, David Silverman, to direct the film": the
    name right before "(,) to direct the film / it" in a sentence with a hiring verb and nothing undoing
    the hire (the parser often hangs such a name and its infinitive on the sentence's first noun)."""
    doc = person.doc
    i = person.end + (person.end < len(doc) and doc[person.end].text == ",")
    if i + 2 >= len(doc) or doc[i].lower_ != "to" or _lemma(doc[i + 1]) not in DIRECTING_VERBS:
        return set()
    objects = [c for c in doc[i + 1].children if c.dep_ == "dobj"]
    sentence = list(person.sent)
    hired = any(_lemma(t) in ENLISTING_VERBS and t.pos_ == "VERB" for t in sentence)
    undone = any(t.lower_ in UNDONE_HIRE_WORDS or _lemma(t) in UNDONE_HIRE_WORDS for t in sentence)
    return {DIRECTED_BY} if hired and not undone and objects and all(_this_film(o) for o in objects) else set()


def _gapped_role(person: Span) -> set[str]:
    """"X served as the cinematographer and Y as the editor": Y's own "as <title>" right after it."""
    doc = person.doc
    head = person.root
    if head.dep_ != "conj" or person.end + 1 >= len(doc) or doc[person.end].lower_ != "as":
        return set()
    title = next((o for o in doc[person.end].children if o.dep_ == "pobj"), None)
    verb = doc[person.end].head
    if title is None or _lemma(verb) not in SERVING_VERBS:
        return set()
    relation = _own_job_title(title)
    return {relation} if relation else set()


def _screen_verb(screen: Token) -> Token | None:
    """The credit verb of "adapted to screen" / "adapted for the screen" (two steps up at most)."""
    head = screen.head
    for _ in range(2):
        if _lemma(head) in AGENT_VERBS and head.pos_ == "VERB":
            return head
        head = head.head
    return None


# A job title whose one modifier names another credit: "music director" (the composer, in Indian
# film credits), "music composer".
ROLE_COMPOUNDS = {("director", "music"): MUSIC_BY, ("composer", "music"): MUSIC_BY,
                  ("director", "photography"): CINEMATOGRAPHY_BY}


def _plain_role(token: Token, held: bool = False) -> str | None:
    """The relation of an unqualified job title: "director X" yes; "Pixar director X",
    "assistant director", "as director", and the capitalised plot title "Director X" no. A
    hyphenated chain of titles ("writer-producer-director") is unqualified too; ``held``: the
    title after "served as", judged by the caller (``_own_job_title``)."""
    relation = ROLE_NOUNS.get(_lemma(token))
    if relation is None or (token.is_title and not token.is_sent_start):
        return None
    if relation == DIRECTED_BY and any(c.dep_ == "prep" and c.lower_ == "of" and any(
            _lemma(o) in ("photography", "cinematography") for o in c.children) for c in token.children):
        return CINEMATOGRAPHY_BY  # "director of photography X"
    modifiers = [c for c in token.children if c.dep_ in ("compound", "amod", "nmod", "poss")
                 and not _chained_role(c) and not _film_owner(c)]
    if len(modifiers) == 1 and (_lemma(token), modifiers[0].lower_) in ROLE_COMPOUNDS:
        return ROLE_COMPOUNDS[(_lemma(token), modifiers[0].lower_)]  # "music director X" is the composer
    if modifiers:
        return None
    if token.dep_ == "pobj" and token.head.lower_ == "as" and not held:
        return None
    return relation


def _surface_agent_relations(ent: Span) -> set[str]:
    """"directed by Asad ul Haq and produced by ...": a name right after the "by" of a credit verb
    whose parse went wrong (its root hangs elsewhere), credited by the surface order alone."""
    doc = ent.doc
    if ent.start == 0 or doc[ent.start - 1].lower_ != "by":
        return set()
    by = doc[ent.start - 1]
    if by.dep_ not in ("agent", "prep") or _lemma(by.head) not in AGENT_VERBS:
        return set()
    if ent.end < len(doc) and doc[ent.end].text not in {",", ".", ";", "and", "(", ")"} and not doc[ent.end].is_sent_start:
        return set()
    return _agent_relations(by.head)


def _direction_noun(noun: Token) -> bool:
    """"the direction", "directorial debut / venture": a noun standing for the film's direction
    ("art direction", "a new direction" are not)."""
    modifiers = [c for c in noun.children if c.dep_ in ("amod", "compound", "nmod")]
    if _lemma(noun) == DIRECTION_NOUN:
        return not modifiers and any(c.dep_ == "det" and c.lower_ == "the" for c in noun.children)
    return _lemma(noun) in DEBUT_NOUNS and any(m.lower_ == "directorial" for m in modifiers)


def _speaker_title(title: Token, name: Token) -> bool:
    """A bare job title opening the sentence on a name that is the subject of a verb of saying:
    "Director Anurag Kashyap had revealed that ..." names a director, not this film's."""
    if not title.is_sent_start or any(c.dep_ in ("det", "poss") for c in title.children):
        return False
    head = name if name.dep_ == "nsubj" else title if title.dep_ == "nsubj" else None
    return head is not None and (_lemma(head.head) in REPORT_VERBS or any(c.dep_ == "ccomp" for c in head.head.children))


def _relative_credits(clause: Token) -> set[str]:
    """"X, who also directed it / the film": a relative clause whose verb credits its subject, the
    name, for this very film (a bare "it" or "the/this film", not "the 1954 film" or a title)."""
    if not any(c.dep_ == "nsubj" and c.lower_ in ("who", "that") for c in clause.children):
        return set()
    verbs = [clause] + [t for t in clause.children if t.dep_ == "conj" and not _has_own_subject(t)]
    found = set()
    for verb in verbs:
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        if _lemma(verb) in SUBJECT_VERBS and objects and all(_this_film(o) for o in objects):
            found.add(SUBJECT_VERBS[_lemma(verb)])
    return found


def _this_film(noun: Token) -> bool:
    """"it", "the film", "this movie", "the screenplay": the work itself, unqualified."""
    if noun.lower_ == "it":
        return True
    return (_lemma(noun) in CREDIT_OBJECTS and all(c.dep_ == "det" and c.lower_ in ("the", "this") for c in noun.children)
            and _lemma(noun) not in {"sequel", "lyrics"})


def _from_own_script(verb: Token) -> bool:
    """"directed by X from his own screenplay": the verb's agent wrote the script too."""
    return any(p.dep_ == "prep" and p.lower_ == "from" and any(
        o.dep_ == "pobj" and _lemma(o) in SCRIPT_NOUNS and any(c.lower_ == "own" for c in o.children)
        for o in p.children) for p in verb.children)


def _lead_role(role: Token) -> bool:
    """"lead roles", "the title role", "significant parts": a role of the top billing."""
    return _lemma(role) in {"role", "part"} and any(
        c.dep_ in ("amod", "compound") and c.lower_ in LEAD_WORDS for c in role.children)


def _in_lead_role(verb: Token, prepositions: tuple[str, ...] = ("in",)) -> bool:
    """The verb has "in the lead role(s)" / "in the title role" ("for the lead role" with ``for``)."""
    return any(p.dep_ == "prep" and p.lower_ in prepositions and any(_lead_role(o) for o in p.children if o.dep_ == "pobj")
               for p in verb.children)


def _has_job_as(token: Token) -> bool:
    """"with George Lucas as executive producer": the name is given a job, not a co-credit or a role."""
    return any(c.lower_ == "as" and any(_lemma(o) in ROLE_NOUNS for o in c.children if o.dep_ == "pobj")
               for c in token.children)


def _film_owner(token: Token) -> bool:
    """"its director", "the film's writer": the title belongs to this film."""
    return token.dep_ == "poss" and (token.lower_ == "its" or _lemma(token) in WORK_NOUNS)


def _chained_role(token: Token) -> bool:
    """"writer" in "writer-producer-director": a job title glued to the next by a hyphen."""
    doc = token.doc
    return (token.dep_ == "compound" and _lemma(token) in ROLE_NOUNS and token.i + 1 < len(doc)
            and doc[token.i + 1].text == "-" and not token.whitespace_)


def _role_relations(token: Token) -> set[str]:
    """Every relation of a job title and of the titles chained to it by hyphens."""
    relation = _plain_role(token)
    if relation is None:
        return set()
    found, stack = {relation}, [token]
    while stack:
        for child in stack.pop().children:
            if _chained_role(child):
                found.add(ROLE_NOUNS[_lemma(child)])
                stack.append(child)
    return found


def character_after(person: Span) -> Span | None:
    """"X as Y": the character Y (up to a comma, line end or sentence end)."""
    doc = person.doc
    if person.end >= len(doc) - 1 or doc[person.end].lower_ != "as":
        return None
    end = person.end + 1
    while end < len(doc) and doc[end].text not in {",", ";", ".", ":", "(", ")"} and "\n" not in doc[end].text \
            and doc[end].lower_ not in {"and", "with"} and end - person.end <= 6:
        end += 1
        if "\n" in doc[end - 1].whitespace_:
            break
    span = doc[person.end + 1:end]
    return span if len(span) and span[0].is_title else None


CHARACTER_NOUNS = {"character", "characters", "role", "persona", "alter-ego"}


def is_character(span: Span) -> bool:
    """A name standing for a role, not a credit: "X as Y", "Y (played by X)", "stars as Y",
    "the character Y"."""
    doc = span.doc
    if span.start > 0 and doc[span.start - 1].lower_ in CHARACTER_NOUNS:  # "Clancy's character Jack Ryan"
        return True
    if span.end + 2 < len(doc) and doc[span.end].text == "(" and doc[span.end + 1].ent_type_ == "PERSON" \
            and doc[span.end + 1].ent_iob_ == "B":
        inner = next((e for e in doc.ents if e.start == span.end + 1), None)
        if inner is not None and inner.end < len(doc) and doc[inner.end].text == ")":
            return True  # "cop duo Hines (David Faustino) and Sterns (Joe Estevez)": the actor is in brackets
    if span.start == 0 or doc[span.start - 1].lower_ != "as":
        return False
    before = doc[span.start - 2] if span.start >= 2 else None
    return before is not None and (before.ent_type_ == "PERSON" or before.lower_ in STAR_WORDS
                                   or _lemma(before) in {"play", "cast", "appear", "portray", "star"})


def _named_group(group: Token) -> bool:
    """"the Monty Python comedy group": a group with a name of its own, credited under that name."""
    return any(c.dep_ == "compound" and c.ent_type_ for c in group.children)


def _stand_in(token: Token) -> Token:
    """The noun whose slot a name fills: "the trio of A, B and C" -> trio; "his partner X" -> partner;
    "the Monty Python group of A, B" -> the group's name "Monty Python" (its members hold no credit)."""
    if token.dep_ == "compound" and _lemma(token.head) in GROUP_NOUNS and token.ent_type_:
        return _first_conjunct(token.head)
    if token.dep_ == "pobj" and token.head.lower_ == "of" and _lemma(token.head.head) in GROUP_NOUNS:
        if _named_group(token.head.head):
            return token
        return _first_conjunct(token.head.head)
    if token.dep_ in ("appos", "compound") and _lemma(token.head) in PARTNER_NOUNS:
        return _first_conjunct(token.head)
    return token


def _group_members_by(member: Token) -> Token | None:
    """"performed by the Monty Python comedy group of A, B and C": the credit verb whose "by" names the
    group whose members ``member`` (a conjunct head) is one of; the members act, the group is credited as writer."""
    group = member.head.head if member.dep_ == "pobj" and member.head.lower_ == "of" else None
    if group is None or _lemma(group) not in GROUP_NOUNS or not _named_group(group):
        return None
    by = group.head if group.dep_ == "pobj" else None
    return by.head if by is not None and by.lower_ == "by" and by.dep_ in ("agent", "prep") else None


def _place_name(ent: Span) -> bool:
    """A place or building the model labelled as one (see PLACE_NOUNS), not a mislabelled person."""
    return ent.label_ in PLACE_LABELS and (ent[0].lower_ == "the" or ent[-1].lower_ in PLACE_NOUNS)


def _star_word(token: Token) -> bool:
    """"stars" the verb or the credit, not the noun of "Bollywood stars X" or "the studio's stars";
    "features" only when the film features X, not its soundtrack or album."""
    verb = token.dep_ == "ROOT"  # "The Sound Barrier stars A": the title hangs on it (tagged VERB or NOUN)
    return token.lower_ in STAR_WORDS and (verb or not any(
        c.dep_ in ("compound", "amod", "det", "nummod", "poss") for c in token.children)) and (
        token.lower_ != "feature" or token.pos_ == "VERB") and not (  # "a feature film" is no star word
        _lemma(token) == "feature" and any(c.dep_ == "nsubj" and _lemma(c) in MUSIC_WORK_NOUNS for c in token.children))


# Which writing credit a written_by row is (kept as its qualifier): the screenplay, the story, the dialogue.
WRITING_KINDS = {"screenplay": "screenplay", "script": "screenplay", "teleplay": "screenplay",
                 "scripted": "screenplay", "story": "story", "dialogue": "dialogue", "dialogues": "dialogue",
                 "adapted": "screenplay"}


def writing_kind(person: Span) -> str | None:
    """"the screenplay by X", "story by X", "The screenplay was written by X", "X wrote the story",
    "X's screenplay", "adapted by X" (the adaptation is the screenplay): which writing credit X holds;
    None when the text says only "written by"."""
    head = _first_conjunct(person.root)
    parent = head.head
    if head.dep_ == "poss" or (head.dep_ == "pobj" and parent.lower_ in ("by", "of")):
        owner = parent if head.dep_ == "poss" else parent.head
        if owner.lower_ in WRITING_KINDS:
            return WRITING_KINDS[owner.lower_]
        if owner.lower_ == "screen":  # "adapted for the screen by X"
            return "screenplay"
        if owner.pos_ == "VERB":  # "The screenplay was written by X": the work of the verb (or of its list's first)
            for verb in (owner, _first_conjunct(owner)):
                works = [c for c in verb.children if c.dep_ == "nsubjpass"] + ([verb.head] if verb.dep_ == "acl" else [])
                kinds = {WRITING_KINDS[w.lower_] for w in works if w.lower_ in WRITING_KINDS}
                if works:
                    return kinds.pop() if len(kinds) == 1 else None
    if head.dep_ == "nsubj":
        kinds = {WRITING_KINDS[c.lower_] for c in parent.children if c.dep_ == "dobj" and c.lower_ in WRITING_KINDS}
        return kinds.pop() if len(kinds) == 1 else None
    return None


UNCREDITED_WINDOW = 6  # "uncredited rewrites by X", "an uncredited cameo appearance by X"


def uncredited(person: Span) -> bool:
    """The text says the name went uncredited: "X (uncredited)", "X, who was uncredited", "uncredited
    rewrites by X and Y"; an infobox lists credited people only, so the name credits nothing."""
    doc = person.doc
    if person.end + 2 < len(doc) and doc[person.end].text == "(" and doc[person.end + 1].lower_ == "uncredited" \
            and doc[person.end + 2].text == ")":
        return True
    if any(c.dep_ == "relcl" and any(t.lower_ == "uncredited" for t in c.subtree) for c in person.root.children):
        return True
    anchor = min(person.start, _first_conjunct(person.root).left_edge.i)
    before = doc[max(person.sent.start, anchor - UNCREDITED_WINDOW):anchor]
    return any(t.lower_ == "uncredited" for t in before) and not any(
        e.label_ == "PERSON" and before.start <= e.start < anchor for e in doc.ents)


def in_supporting_clause(span: Span) -> bool:
    """"while A and B play supporting roles", "Supporting roles were played by A": not top billing."""
    head = _first_conjunct(span.root)
    verb = head.head.head if head.dep_ == "pobj" and head.head.lower_ == "by" else head.head
    return any(c.dep_ in ("dobj", "nsubjpass", "nsubj", "attr") and c != head
               and any(a.lower_ in SUPPORTING_WORDS for a in c.children) for c in verb.children)


GROUP_PLURALS = {"brothers", "sisters", "twins", "siblings"}  # "the Coen brothers (Joel and Ethan Coen)"


def names_its_members(span: Span) -> bool:
    """A name followed by a bracketed list of people is a group ("the Lane Sisters (Priscilla Lane,
    Rosemary Lane, and Lola Lane)", "the Coen brothers (Joel Coen and Ethan Coen)"): the members in
    the brackets hold its credits (they take the group's place in the list), the group none."""
    doc = span.doc
    opening = span.end + (span.end < len(doc) and doc[span.end].lower_ in GROUP_PLURALS)
    if opening >= len(doc) or doc[opening].text != "(":
        return False
    close = next((t.i for t in doc[opening + 1:span.sent.end] if t.text == ")"), None)
    if close is None:
        return False
    members = [e for e in doc.ents if e.label_ == "PERSON" and opening < e.start and e.end <= close]
    named = {t.i for e in members for t in e}
    return len(members) >= 2 and all(t.i in named or t.lower_ in _SURFACE_SEPARATORS for t in doc[opening + 1:close])


FEATURE_WORDS = {"feature", "features", "featured", "featuring"}
FEATURED_RULE = "featured_after_stars"


def featured_after_stars(span: Span) -> bool:
    """"The movie stars A and B, and features C, D": after the sentence's own star list, the names
    a "features" introduces are its featured players, not the top billing."""
    doc = span.doc
    before = doc[span.sent.start:span.start]
    feature = next((t for t in reversed(before) if t.lower_ in FEATURE_WORDS), None)
    return feature is not None and any(t.lower_ in STAR_WORDS - FEATURE_WORDS for t in doc[span.sent.start:feature.i])


HEADLINE_VERBS = {"headline", "top-line", "topline"}


def _headlines(head: Token) -> bool:
    """The name is the subject of "headline(s) the film" / "lead(s) the cast", or the agent of "headlined by"."""
    verb = head.head
    if head.dep_ == "pobj" and verb.lower_ == "by":
        return verb.dep_ == "agent" and _lemma(verb.head) in HEADLINE_VERBS
    if head.dep_ != "nsubj":
        return False
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    if _lemma(verb) in HEADLINE_VERBS:
        return all(_this_film(o) or _lemma(o) in CAST_NOUNS for o in objects)
    return _lemma(verb) == "lead" and len(objects) == 1 and _lemma(objects[0]) in CAST_NOUNS \
        and not any(c.dep_ == "amod" and c.lower_ in SUPPORTING_WORDS for c in objects[0].children)


CAST_LEADING_VERBS = {"lead", "head"}
CAST_CONSISTING_VERBS = {"consist", "comprise", "compose"}


def _principal_cast(noun: Token) -> bool:
    """A cast noun of the film's own billing ("an ensemble cast", "the principal cast"), not a supporting one."""
    return _lemma(noun) in CAST_NOUNS and not any(c.lower_ in SUPPORTING_WORDS for c in noun.children)


def _names_the_cast(head: Token) -> bool:
    """The name lists a cast noun's members: "an ensemble cast of A, B", "a cast including A",
    "the principal cast consists of A", "an ensemble cast led by A", "the cast is headed by A"."""
    if head.dep_ != "pobj":
        return False
    prep, holder = head.head, head.head.head
    if prep.lower_ == "including" and _principal_cast(holder):
        return True
    if prep.lower_ == "of" and _principal_cast(holder):  # "the cast of Friends" is another work's
        return any(c.lower_ in ("a", "an") or c.dep_ == "amod" for c in holder.children)
    if prep.lower_ == "of" and _lemma(holder) in CAST_CONSISTING_VERBS:
        return any(c.dep_ in ("nsubj", "nsubjpass") and _principal_cast(c) for c in holder.children)
    if prep.lower_ == "by" and prep.dep_ == "agent" and _lemma(holder) in CAST_LEADING_VERBS:
        cast = [holder.head] if holder.dep_ == "acl" else [c for c in holder.children if c.dep_ == "nsubjpass"]
        return any(_principal_cast(c) for c in cast)
    return False


def _cast_is_subject(verb: Token) -> bool:
    """The subject of an including verb is the film's cast: "The cast includes A", "The main cast comprises
    A" (parsed as a compound), "an ensemble cast that includes A" (a relative clause on the noun)."""
    if verb.dep_ == "relcl" and _principal_cast(verb.head) and any(
            c.dep_ == "nsubj" and c.lower_ in ("that", "which") for c in verb.children):
        return True
    return any(((c.dep_ == "nsubj" and c.lower_ in CAST_NOUNS) or (c.dep_ in ("nsubj", "compound") and _principal_cast(c)
               and c.i < verb.i)) and not _of_another_cast(c) for c in verb.children)


def _of_another_cast(noun: Token) -> bool:
    """"the cast of the sequel", "the cast of Friends": another work's cast (not "the cast of the film")."""
    return any(p.dep_ == "prep" and p.lower_ == "of" and any(o.dep_ == "pobj" and not _this_film(o) for o in p.children)
               for p in noun.children)


def _source_right_before(by: Token) -> bool:
    """The word before "by" is a source work or another work ("from the play by X", "the novel by X"):
    the "by" names that work's author whatever the parse hung it on ("from a story by X" is a credit)."""
    if by.i == 0:
        return False
    noun = by.doc[by.i - 1]
    lemma = _lemma(noun)
    return noun.pos_ == "NOUN" and noun != by.head and lemma != "story" and (lemma in SOURCE_WORKS or lemma in OTHER_WORKS)


def _credited_to(verb: Token) -> set[str]:
    """"The screenplay is credited to X", "direction is credited to X": the credit noun of the subject."""
    found = set()
    for subject in (c for c in verb.children if c.dep_ in ("nsubjpass", "nsubj")):
        relation = WORK_BY_NOUNS.get(_lemma(subject)) if _lemma(subject) not in WORK_NOUNS else None
        if _lemma(subject) == DIRECTION_NOUN:
            relation = DIRECTED_BY
        if relation:
            found.add(relation)
    return found


def _bracketed_roles(person: Span) -> set[str]:
    """"Ann Poe (director)", "Tom Roe (writer/producer)": job titles alone in brackets right after the name."""
    doc = person.doc
    if person.end + 2 >= len(doc) or doc[person.end].text != "(":
        return set()
    close = next((i for i in range(person.end + 1, min(person.end + 7, len(doc))) if doc[i].text == ")"), None)
    inside = doc[person.end + 1:close] if close else []
    words = [t for t in inside if t.lower_ not in {"/", ",", "and", "&"}]
    if not words or not all(_lemma(t) in ROLE_NOUNS and t.pos_ == "NOUN" for t in words):
        return set()
    return {ROLE_NOUNS[_lemma(t)] for t in words}


def _debut_with_this_film(verb: Token) -> bool:
    """"makes her directorial debut (with the film)": not "with <another title>"."""
    debut = [c for c in verb.children if c.dep_ == "dobj" and _direction_noun(c)]
    withs = [o for c in verb.children if c.dep_ == "prep" and c.lower_ == "with" for o in c.children if o.dep_ == "pobj"]
    return bool(debut) and all(_this_film(o) for o in withs)


# Credit labels of a credits line ("Cast: A, B", "Starring: A", "Music: X"); job titles ("Director: X")
# are read as titles (``_role_relations``). Counted under the rule of the same evidence in prose.
LABEL_RELATIONS = {"cast": (STARRING, "star_object"), "starring": (STARRING, "star_object")}


def _credit_label(label: Token) -> tuple[str, str] | None:
    """(relation, rule) of a label opening its line and followed by a colon, else None."""
    doc = label.doc
    opens = label.i == label.sent.start or "\n" in doc[label.i - 1].whitespace_ or doc[label.i - 1].text.strip() == ""
    if not opens or label.i + 1 >= len(doc) or doc[label.i + 1].text != ":":
        return None
    if label.lower_ in LABEL_RELATIONS:
        return LABEL_RELATIONS[label.lower_]
    relation = _credit_noun_relation(label)
    return (relation, "work_by") if relation else None


def relations_of(person: Span) -> list[tuple[str, str]]:
    """Every (relation, rule) that credits ``person``; a name in a list inherits the list head's role."""
    found: list[tuple[str, str]] = []
    root = person.root
    doc = person.doc
    # "features Bollywood music", "featuring Clancy's character": a modifier, not the star
    modifier = root.dep_ in ("compound", "amod", "nmod", "poss") and root.head.i >= person.end
    if person.start > 0 and _star_word(doc[person.start - 1]) and not modifier:
        # "... and stars X": the star word starts a new list, whatever the parser attached X to.
        found.append((STARRING, "star_object"))
        found += [(r, "credit_by") for r in _dangling_credits(doc[person.start - 1])]  # "directed by and stars X"
        head_of_list = root
    else:
        head_of_list = _stand_in(_first_conjunct(root))
    parent = head_of_list.head
    own_nouns = [c for c in root.children if c.dep_ in ("compound", "amod", "nmod") and c.pos_ == "NOUN"]
    role_words = list(root.children) + ([] if own_nouns else list(head_of_list.children) + [head_of_list])
    # "It stars A as writer Paul Edgecomb", "Asrani as producer Akhilendra Chandel": a name after "as"
    # is a character, and the job title beside it the character's
    played = head_of_list.dep_ == "pobj" and parent.lower_ == "as"
    for word in role_words if not _career_clause(root) and not played else ():
        if (word.dep_ in ("compound", "amod", "nmod") or word is head_of_list) and not _speaker_title(word, head_of_list):
            found += [(relation, "role_title") for relation in _role_relations(word)]
    # a credit noun naming its holder, as "a story credit to X": "under the direction of X",
    # "the directorial debut of X", "X's directorial debut"
    if head_of_list.dep_ == "pobj" and parent.lower_ == "of" and _direction_noun(parent.head):
        found.append((DIRECTED_BY, "credit_noun"))
    if head_of_list.dep_ == "poss" and _direction_noun(parent):
        found.append((DIRECTED_BY, "credit_noun"))
    found += [(relation, "role_title") for relation in _bracketed_roles(person)]  # "X (director)", same evidence
    gapped = _gapped_role(person)
    if gapped:
        return [(relation, "role_is") for relation in gapped]
    if head_of_list.dep_ == "nsubj" and _lemma(parent) == "make" and _debut_with_this_film(parent):
        found.append((DIRECTED_BY, "credit_noun"))  # "X makes her directorial debut with the film"
    if head_of_list.dep_ == "appos" and _credit_label(parent) is not None:
        found.append(_credit_label(parent))  # "Cast: A, B, C", "Music: X"
    for clause in (c for c in root.children if c.dep_ == "relcl"):  # "X, who also directed it": X is the subject
        found += [(r, "subject_verb") for r in _relative_credits(clause)]
    if head_of_list.dep_ == "appos":
        found += [(relation, "role_title") for relation in _role_relations(parent)]
    group_verb = _group_members_by(head_of_list)
    if group_verb is not None and STARRING in _agent_relations(group_verb):
        found.append((STARRING, "group_member"))
    if head_of_list.dep_ == "pobj" and parent.lower_ == "by":
        by_head = parent.head
        subject_nouns = [c for c in by_head.children if c.dep_ == "nsubj" and _lemma(c) in WORK_BY_NOUNS]
        handled = [c for c in by_head.children if c.dep_ in ("nsubjpass", "nsubj") and _credit_noun_relation(c)]
        if _lemma(by_head) == "be" and subject_nouns:  # "the screenplay was by X"
            found.append((WORK_BY_NOUNS[_lemma(subject_nouns[0])], "work_by"))
        elif _lemma(by_head) in HANDLING_VERBS and handled:  # "the cinematography was handled by X"
            found.append((_credit_noun_relation(handled[0]), "work_by"))
        elif _lemma(by_head) == "join" and any(c.dep_ in ("nsubjpass", "nsubj") and _lemma(c) in CAST_NOUNS
                                               for c in by_head.children):  # "the returning cast is joined by X"
            found.append((STARRING, "cast_joined"))
        elif by_head.lower_ == "screen" and _screen_verb(by_head) is not None:  # "adapted to screen by X"
            found += [(r, "credit_by") for r in _agent_relations(_screen_verb(by_head))]
        elif parent.dep_ == "agent" or by_head.pos_ in ("VERB", "AUX"):
            relations = _agent_relations(by_head)
            if _source_right_before(parent):
                relations = set()  # "written by A from the play by B": the parser hung B's "by" on the verb
            if _lemma(head_of_list) in GROUP_NOUNS and any(c.lower_ == "of" for c in head_of_list.children):
                relations.discard(STARRING)  # "performed by the group of A, B": the members act (``group_member``)
            if relations & {DIRECTED_BY, PRODUCED_BY} and _from_own_script(by_head):
                relations.add(WRITTEN_BY)  # "directed by X from his own screenplay"
            starred = any(_lemma(v) in STAR_AGENT_VERBS for v in (by_head, _first_conjunct(by_head), *_chain_before(by_head)))
            lead = any(c.dep_ == "nsubjpass" and _lead_role(c) for c in by_head.children)  # "The lead roles are played by X"
            found += [(r, _agent_rule(r, starred, lead)) for r in relations]
            noun = doc[parent.i - 1] if parent.i > 0 else None
            listed = _first_conjunct(noun) if noun is not None else None  # "has story, screenplay and dialogues by X"
            if not relations and listed is not None and listed.dep_ == "dobj" and listed.head == by_head \
                    and _credit_noun_relation(noun):  # "the film has musical score by X": "by" hung on "has"
                found.append((_credit_noun_relation(noun), "work_by"))
        elif _lemma(by_head) in WORK_BY_NOUNS or by_head.lower_ in WORK_BY_NOUNS:
            # "music by A and cinematography by B": the parse may hang both "by"s on "music"; the noun
            # right before "by" says which credit
            noun = doc[parent.i - 1] if parent.i > 0 and _credit_noun_relation(doc[parent.i - 1]) else by_head
            if not _published_story(by_head):
                found.append((WORK_BY_NOUNS.get(noun.lower_) or WORK_BY_NOUNS[_lemma(noun)], "work_by"))
    if head_of_list.dep_ == "attr" and _lemma(parent) == "be":
        found += [(r, "role_is") for r in _copular_roles(parent)]
    if head_of_list.dep_ in ("nsubj", "nsubjpass"):  # "X was the music director", "X served as the cinematographer"
        found += [(r, "role_is") for r in _held_roles(parent, head_of_list)]
    if head_of_list.dep_ in ("dobj", "attr", "appos", "npadvmod", "pobj") and _star_word(parent):
        found.append((STARRING, "star_object"))
        found += [(r, "credit_by") for r in _dangling_credits(parent)]  # "directed by, produced by, and starring X"
    if _headlines(head_of_list):  # "A and B headline the film", "headlined by A", "A leads the cast": star verbs
        found.append((STARRING, "star_object"))
    if head_of_list.dep_ == "attr" and _lemma(parent) == "be" and any(_star_word(c) for c in parent.children
                                                                       if c.dep_ in ("acomp", "advcl", "csubj")):
        found.append((STARRING, "star_object"))  # "Also starring are A and B"
    if head_of_list.dep_ == "pobj" and parent.lower_ == "to" and _lemma(parent.head) == "credit":
        found += [(r, "credit_noun") for r in _credited_to(parent.head)]  # "The screenplay is credited to X"
    voices = parent.head if head_of_list.dep_ == "pobj" and parent.lower_ == "of" else None
    if voices is not None and voices.lower_ in ("voices", "voice") and voices.head.lower_ in STAR_WORDS:
        found.append((STARRING, "star_object"))  # "starring the voices of A, B and C"
    if head_of_list.dep_ in ("dobj", "appos") and parent.lower_ in CAST_VERBS and _cast_is_subject(parent):
        found.append((STARRING, "cast_includes"))
    found += [(r, "role_is") for r in _hired_to_credit(head_of_list) | _hired_by_surface(person)]  # as "hired as"
    if _names_the_cast(head_of_list):  # "an ensemble cast of A, B", "the cast is headed by A": the cast list
        found.append((STARRING, "cast_includes"))
    if head_of_list.dep_ == "pobj" and parent.lower_ == "to" and parent.dep_ in ("dative", "prep"):
        found += [(r, "credit_noun") for r in _credit_nouns(parent.head)]  # "gave a story credit to X"
    if head_of_list.dep_ == "nsubj" and _lemma(parent) in CREDIT_TAKING_VERBS:
        found += [(r, "credit_noun") for r in _credit_nouns(parent)]  # "X received screenplay credit"
    if head_of_list.dep_ == "nsubj" and _in_cast(parent):
        found.append((STARRING, "in_cast"))  # "In the film's ensemble cast, A, B and C reprise their roles"
    if head_of_list.dep_ == "nsubj":
        found += [(r, "subject_verb") for r in _subject_relations(parent)]
        roles = [c for c in parent.children if c.dep_ == "dobj"]
        if _lemma(parent) in {"play", "portray", "essay"} and any(_lead_role(r) for r in roles):
            found.append((STARRING, "lead_role"))
        elif _lemma(parent) in {"play", "portray"} and roles:
            found.append((STARRING, "plays_role"))
    if ((head_of_list.dep_ == "dobj" and _lemma(parent) == "have") or (head_of_list.dep_ == "nsubj" and _lemma(parent) == "appear")) \
            and _in_lead_role(parent):
        found.append((STARRING, "lead_role"))  # "The film has A and B in the lead roles", "A appears in the title role"
    if head_of_list.dep_ == "nsubj" and _lemma(parent) == "cast" and _in_lead_role(parent) and any(
            c.dep_ == "dobj" and any(t.lower_ in REFLEXIVES for t in c.subtree) for c in parent.children):
        found.append((STARRING, "lead_role"))  # "X cast A, B and himself in pivotal roles"
    if head_of_list.dep_ in ("dobj", "nsubjpass") and _lemma(parent) == "cast" and _in_lead_role(parent, ("in", "for")):
        found.append((STARRING, "lead_role"))  # "X cast A and B in pivotal roles", "A was cast in the title role"
        if parent.lower_ in CAST_VERBS | {"joined", "join"} and any(c.lower_ in CAST_NOUNS for c in parent.subtree):
            found.append((STARRING, "cast_includes"))
    co_write = parent.head if parent.lower_ == "with" and not _has_job_as(head_of_list) else None
    if co_write is not None and co_write.dep_ == "dobj" and _lemma(co_write) in CREDIT_OBJECTS:
        co_write = co_write.head  # "co-wrote the screenplay with X": the parser hung "with" on the object
    if head_of_list.dep_ == "pobj" and co_write is not None and _lemma(co_write) in SUBJECT_VERBS:
        found.append((SUBJECT_VERBS[_lemma(co_write)], "co_credit_with"))
    if head_of_list.dep_ == "compound" and parent.lower_ in STAR_WORDS and any(c.lower_ == "as" for c in parent.children):
        found.append((STARRING, "subject_verb"))
    if head_of_list.dep_ == "pobj" and parent.lower_ == "with" and any(c.lower_ == "as" for c in head_of_list.children) \
            and not _has_job_as(head_of_list):
        found.append((STARRING, "with_as"))
    if head_of_list.dep_ == "poss" and (_lemma(parent) in WORK_NOUNS or parent.ent_type_ == "WORK_OF_ART"):
        found.append((DIRECTED_BY, "possessive"))
    if head_of_list.dep_ == "poss" and _lemma(parent) in SCRIPT_NOUNS and not _of_another_work(parent):
        found.append((WRITTEN_BY, "work_by"))  # "X's screenplay" is "the screenplay by X"
    if head_of_list.dep_ == "poss" and parent.lower_ in POSSESSED_CREDITS and not _of_another_work(parent):
        found.append((WORK_BY_NOUNS[parent.lower_], "work_by"))  # "X's cinematography" is "the cinematography by X"
    if person.start > 1 and doc[person.start - 1].text == "(" and person.end < len(doc) and doc[person.end].text == ")" \
            and doc[person.start - 2].pos_ == "PROPN":
        found.append((STARRING, "parenthetical_actor"))
    if person.start > 0 and doc[person.start - 1].lower_ == "also" and not doc[person.start].is_sent_start:
        found.append((STARRING, "star_object"))
    return found


# Verbs whose "by"-agent company made the film (a person "made by" is not read: director or producer?).
COMPANY_MAKING_VERBS = {"make", "animate"}


def company_relations_of(org: Span) -> list[tuple[str, str]]:
    """Companies credited by a "by"-agent: "produced by Warner Bros." (made_by), "distributed by X"."""
    head = _first_conjunct(org.root)
    parent = head.head
    if head.dep_ != "pobj" or parent.lower_ != "by":
        return []
    found = []
    verb = parent.head
    if parent.dep_ == "agent" and _lemma(verb) in COMPANY_MAKING_VERBS and not _credits_other_work(verb) and not any(
            _plot_object(c) for c in verb.children if c.dep_ == "nsubjpass"):
        found.append((MADE_BY, "company_by"))  # "The film was made by Capcom Studios", "animated by Studio Ghibli"
    for relation in _agent_relations(verb):
        if relation == PRODUCED_BY:
            found.append((MADE_BY, "company_by"))
        elif relation == DISTRIBUTED_BY:
            found.append((DISTRIBUTED_BY, "company_by"))
    return found


def _proper_run(doc: Doc, start: int, step: int) -> Span | None:
    """The run of capitalised proper nouns from ``start`` going right (step 1) or left (step -1)."""
    end = start
    while 0 <= end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper() and abs(end - start) < 6:
        end += step
    if end == start:
        return None
    return doc[start:end] if step == 1 else doc[end + 1:start + 1]


def company_credit_spans(doc: Doc) -> list[Span]:
    """Production companies named by the surface of a production credit, whatever the NER model made
    of them: "under the Sri Venkateswara Creations banner", "under his banner Dharma Productions",
    "under the banner of Lyca Productions", "produced by Aditya Chopra for Yash Raj Films"."""
    spans: list[Span] = []
    text = doc.text.lower()
    if "banner" not in text and not (" for " in text and "produc" in text):
        return spans  # walking every token costs more than the rules (a Token object each)
    for banner in (t for t in doc if t.lower_ in ("banner", "banners") and t.pos_ == "NOUN"):
        opener = banner.head if banner.dep_ == "pobj" else None
        if opener is None or opener.lower_ != "under":
            continue
        before = _proper_run(doc, banner.i - 1, -1)
        i = banner.i + 1 + (banner.i + 1 < len(doc) and doc[banner.i + 1].text == ",")
        if i < len(doc) and doc[i].lower_ == "of":
            i += 1
        after = _proper_run(doc, i, 1) if i < len(doc) else None
        spans += [span for span in (before, after) if span is not None]
    for prep in (t for t in doc if t.lower_ == "for" and t.dep_ == "prep"):
        verb = prep.head.head.head if prep.head.dep_ == "pobj" and prep.head.head.lower_ == "by" else prep.head
        company = next((o for o in prep.children if o.dep_ == "pobj"), None)
        if company is None or _lemma(verb) not in {"produce", "co-produce"} or verb.pos_ != "VERB":
            continue
        works = [c for c in verb.children if c.dep_ == "nsubjpass"] + ([verb.head] if verb.dep_ == "acl" else [])
        if any(_plot_object(w) for w in works):
            continue  # "lenses produced for NASA": a thing in the story, not the film
        span = _proper_run(doc, company.left_edge.i, 1)
        if span is not None and span.end == company.i + 1 and (company.ent_type_ in ("ORG", "") ):
            spans.append(span)
    return spans


def found_relations(doc: Doc) -> list[FoundRelation]:
    """The relations the component stored on ``doc`` (kept as plain tuples so docs cross processes)."""
    return [
        FoundRelation(relation, doc[start:end], confidence, rule, qualifier, value)
        for relation, start, end, confidence, rule, qualifier, value in doc._.mmkg_relations or ()
    ]


def _name_part(token: Token) -> bool:
    return (not token.ent_type_ and token.pos_ == "PROPN" and token.is_title and not token.is_sent_start
            and token.lower_ not in TITLE_WORDS and token.lower_ not in AGENT_VERBS)


def _split_at_commas(doc: Doc, ent: Span) -> list[Span]:
    """A PERSON the model ran across a list comma ("Jai, Swathi Reddy") as one span per name;
    ", Jr." stays inside its name."""
    if ent.label_ != "PERSON":
        return [ent]
    cuts = [t.i for t in ent if t.text == "," and t.i + 1 < ent.end and doc[t.i + 1].text not in NAME_SUFFIXES]
    if not cuts:
        return [ent]
    bounds = [ent.start, *cuts, ent.end]
    parts = [(a + (a != ent.start), b) for a, b in zip(bounds, bounds[1:])]
    return [Span(doc, a, b, label=ent.label) for a, b in parts if b > a]


_EPITHET_ENDS = {",", "and", "&", ".", ")", ";", "as", "(", "'s"}
MAX_EPITHET_WORDS = 3


def _epithet_end(doc: Doc, end: int) -> int:
    """Where a one-word name's epithet ends ("Larry [the Cable Guy]", "Andre [the Giant]"): "the" and up
    to three title-case words, then a list separator or the end; ``end`` when there is none (a lowercase
    word after them, "Larry the Cable Guy impression", reads as something else)."""
    if end >= len(doc) or doc[end].text != "the":
        return end
    stop = end + 1
    while stop < len(doc) and stop - end - 1 < MAX_EPITHET_WORDS and doc[stop].is_title and doc[stop].is_alpha:
        stop += 1
    if stop == end + 1 or (stop < len(doc) and doc[stop].text not in _EPITHET_ENDS):
        return end
    return stop


@Language.component(TRIM_NAME, requires=["doc.ents"], assigns=["doc.ents"])
def trim_person_titles(doc: Doc) -> Doc:
    """Drop leading job titles from PERSON entities so the name resolves ("Director Jane Roe"),
    take in a title-case proper noun the model left outside ("Ashiqur [Rahman]"), and split a
    PERSON run across a list comma ("Jai, Swathi Reddy"); whitespace tokens at an entity's edges go."""
    entities = []
    for ent in (part for whole in doc.ents for part in _split_at_commas(doc, whole)):
        start = ent.start
        while ent.label_ == "PERSON" and start > 0 and _name_part(doc[start - 1]):
            start -= 1
        while ent.label_ == "PERSON" and start < ent.end - 1 and doc[start].lower_ in TITLE_WORDS:
            start += 1
        end = ent.end
        while ent.label_ == "PERSON" and end > start + 1 and doc[end - 1].text in {"'s", "’s", "'"}:
            end -= 1
        # markup blanked to spaces leaves whitespace tokens the model may run a name across ("Stanley Kubrick  .")
        while start < end - 1 and doc[start].is_space:
            start += 1
        while end > start + 1 and (doc[end - 1].is_space or (doc[end - 1].is_punct and doc[end - 2].is_space)):
            end -= 1
        if ent.label_ == "PERSON" and end - start == 1:
            end = _epithet_end(doc, end)
        if entities and start < entities[-1].end:
            start = entities[-1].end
        if start >= end:  # wholly inside the previous name's epithet ("Andre the [Giant]")
            continue
        entities.append(ent if (start, end) == (ent.start, ent.end)
                        else Span(doc, start, end, label=ent.label, span_id=ent.id))
    doc.ents = entities
    return doc


_LIST_SEPARATORS = {",", "and", "&", "as", "well"}
LIST_CUES = {"alongside", "opposite", "voices", "voice", "feature", "features", "featured", "featuring"}


def _list_glue(doc: Doc, end: int, start: int) -> bool:
    """Only list separators between two names, or "as <character>" then a separator
    ("Michael Keaton as Bruce Wayne and Jack Nicholson"): the second name continues the list."""
    between = doc[end:start]
    if not len(between) or between[-1].lower_ not in _LIST_SEPARATORS:
        return False
    if all(t.lower_ in _LIST_SEPARATORS for t in between):
        return True
    return (between[0].lower_ == "as" and len(between) <= 8
            and not any(t.pos_ in ("VERB", "AUX") or t.text in {".", ";", "(", ")"} for t in between))


def _about_a_character(doc: Doc, ent: Span) -> bool:
    """The cue sits in a relative clause about a role: "X as Finn, a spy car who, alongside Holley,
    ..." (Holley is Finn's partner in the story), "Y (who also voices Tony)" (Tony is a role)."""
    before = doc[ent.sent.start:ent.start]
    who = [t.i for t in before if t.lower_ in ("who", "which")]
    if not who:
        return False
    voice = doc[ent.start - 1].lower_ in ("voices", "voice") or (
        ent.start > 1 and doc[ent.start - 2].lower_ in ("voices", "voice"))
    return voice or any(t.lower_ == "as" for t in doc[ent.sent.start:who[-1]])


def list_continuations(doc: Doc, star_rules: dict[tuple[int, int], str]) -> list[tuple[Span, str]]:
    """Names that continue a starring list the parser broke: a PERSON right after a credited
    star (``star_rules``: the rule that credits each star) with only list separators in between,
    counted under the rule of the name before it (its list's evidence: "In the film's ensemble cast,
    A, B, C reprise their roles" is ``in_cast`` for C too); or a PERSON right after "alongside", "the
    voices of" (``star_list``)."""
    found: list[tuple[Span, str]] = []
    people = [e for e in doc.ents if e.label_ == "PERSON"]
    starring = dict(star_rules)
    for prev, ent in zip(people, people[1:]):
        if prev.sent.start != ent.sent.start or is_character(ent):
            continue
        cue = ent.start > 0 and (doc[ent.start - 1].lower_ in LIST_CUES or (
            ent.start > 1 and doc[ent.start - 1].lower_ == "of" and doc[ent.start - 2].lower_ in LIST_CUES))
        if cue and _about_a_character(doc, ent):
            continue
        if cue or ((prev.start, prev.end) in starring and _list_glue(doc, prev.end, ent.start)):
            rule = "star_list" if cue else starring[(prev.start, prev.end)]
            found.append((ent, rule))
            starring[(ent.start, ent.end)] = rule
    return found


def _heads_a_name_list(token: Token) -> bool:
    """A one-word name opening its sentence and a list of names ("Narain, Innocent, Kalabhavan Shajon
    and Lena play significant roles"), which the tagger may call a common noun."""
    return token.is_sent_start and token.is_title and token.is_alpha and not token.ent_type_ and not token.is_stop \
        and token.i + 1 < len(token.doc) and token.doc[token.i + 1].text == "," \
        and any(c.dep_ in ("conj", "appos") and c.pos_ == "PROPN" for c in token.children)


def _titled_list_glue(doc: Doc, end: int, start: int, relations: set[str]) -> bool:
    """Only list separators and job titles of ``relations`` between two names: "written by producers A,
    B, writers C and D" (the second title opens no new credit, the parser hangs it anywhere)."""
    between = doc[end:start]
    titles = [t for t in between if t.lower_ not in _LIST_SEPARATORS]
    return 0 < len(between) <= 4 and between[0].text == "," and bool(titles) and all(
        t.text[:1].islower() and ROLE_NOUNS.get(_lemma(t)) in relations for t in titles)


def credit_list_continuations(doc: Doc, found: dict[tuple[int, int], list[tuple[str, str]]]) -> list[tuple[Span, str]]:
    """(name, relation) for a PERSON that continues a "by" list across a repeated job title ("written by
    producers A, B, writers C and D": C, and D listed with C) and has no credit of its own."""
    people = [e for e in doc.ents if e.label_ == "PERSON"]
    held: dict[tuple[int, int], set[str]] = {
        span: {r for r, rule in pairs if rule == "credit_by"} for span, pairs in found.items()}
    continued: list[tuple[Span, str]] = []
    for prev, ent in zip(people, people[1:]):
        relations = held.get((prev.start, prev.end), set())
        if not relations or prev.sent.start != ent.sent.start or found.get((ent.start, ent.end)):
            continue
        if _titled_list_glue(doc, prev.end, ent.start, relations) or (
                continued and continued[-1][0] == prev and _list_glue(doc, prev.end, ent.start)):
            continued += [(ent, r) for r in sorted(relations)]
            held[(ent.start, ent.end)] = relations
    return continued


def unlabelled_names(doc: Doc) -> list[Span]:
    """Runs of title-case proper nouns outside every entity, each a candidate name."""
    spans, start = [], None
    for token in [*doc, None]:
        list_head = token is not None and _heads_a_name_list(token)
        if list_head:
            spans.append(doc[token.i:token.i + 1])
        name_like = token is not None and not list_head and not token.ent_type_ and token.pos_ == "PROPN" \
            and token.is_title and not token.is_stop  # "... and Others played an important role"
        if name_like and start is None:
            start = token.i
        elif not name_like and start is not None:
            if not doc[start].is_sent_start or token is None or token.i - start > 1:
                spans.append(doc[start:token.i if token is not None else len(doc)])
            start = None
    return spans


# Star cues that open a list of names read by its surface ("stars A as X, B as Y and C").
SURFACE_STAR_CUES = {"stars", "starred", "starring", "co-stars", "co-starred", "co-starring", "feature", "features",
                     "featured", "featuring"}
# Lowercase words inside a name ("Asad ul Haq", "Ludwig van Beethoven") and name suffixes after a comma.
NAME_PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "del", "della", "la", "le", "ul", "bin", "al", "y", "dos",
                  "du", "ibn"}
NAME_SUFFIXES = {"Jr", "Jr.", "Sr", "Sr.", "II", "III"}
NOT_NAME_LABELS = {"WORK_OF_ART", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "EVENT", "LAW"}
_SURFACE_SEPARATORS = {",", "and", "&"}
_MAX_NAME_TOKENS = 6
_MAX_CHARACTER_TOKENS = 8


def _surface_name_token(token: Token) -> bool:
    return token.pos_ == "PROPN" and token.text[:1].isupper() and not token.is_stop and token.lower_ not in TITLE_WORDS


def _surface_name(doc: Doc, start: int) -> int | None:
    """End of the name that starts at ``start``, read by its surface whatever the NER model made of it
    (title-case proper nouns, particles and hyphens inside, ", Jr." after); None when none starts
    there or the name modifies a word after it ("Bollywood star X": "Bollywood" is no name)."""
    end = start
    while end < len(doc) and end - start < _MAX_NAME_TOKENS:
        token = doc[end]
        glued = end > start and not doc[end - 1].whitespace_
        if _surface_name_token(token) or (end > start and glued and token.text == "-"):
            end += 1
        elif end > start and token.lower_ in NAME_PARTICLES and end + 1 < len(doc) and _surface_name_token(doc[end + 1]):
            end += 1
        else:
            break
    while end > start and doc[end - 1].text == "-":
        end -= 1
    if end == start:
        return None
    last = doc[end - 1]
    if last.dep_ in ("compound", "amod", "nmod", "poss") and last.head.i >= end:
        return None
    if end + 1 < len(doc) and doc[end].text == "," and doc[end + 1].text in NAME_SUFFIXES:
        end += 2 + (end + 2 < len(doc) and doc[end + 2].text == ".")
    elif end < len(doc) and doc[end].text in NAME_SUFFIXES:
        end += 1
    if end < len(doc) and doc[end].text in {"'s", "’s", "'"}:
        return None
    return end


def _skip_character(doc: Doc, start: int) -> int:
    """After "as": the end of the character's name (up to a comma, "and", or the sentence's end)."""
    end = start
    while end < len(doc) and end - start < _MAX_CHARACTER_TOKENS and doc[end].text not in {",", ";", ".", "(", ")"} \
            and doc[end].lower_ not in {"and", "with"} and not doc[end].is_sent_start:
        end += 1
    return end


def surface_star_list(doc: Doc, supporting: list[Span] | None = None) -> list[Span]:
    """The names a star cue lists, read by the sentence's surface: "starred A as Helen, B as
    Menelaus, and C as Paris", "features the voices of A, B and C". The parser and the NER model
    often tear such lists apart (a name tagged ORG, "Helen, Lewis Stone" one entity); each item
    here is a run of proper nouns, "as <character>" skipped, items joined by "," / "and" only;
    ``supporting`` collects the names a list puts "in supporting roles" (no top billing)."""
    names: list[Span] = []
    for cue in doc:
        co_star = cue.i >= 2 and doc[cue.i - 1].text == "-" and doc[cue.i - 2].lower_ == "co"  # "co-stars" in 3 tokens
        if cue.lower_ not in SURFACE_STAR_CUES or not (co_star or (_star_word(cue) and (cue.pos_ in ("VERB", "AUX", "ADP") or cue.dep_ == "ROOT"))):
            continue
        i = cue.i + 1
        if [t.lower_ for t in doc[i:i + 3]] in (["the", "voices", "of"], ["the", "voice", "of"]):
            i += 3
        elif i < len(doc) and (doc[i].text == ":" or (cue.lower_ == "starring" and doc[i].lower_ in ("are", "were", "is"))):
            i += 1  # "Starring: A, B" (a credits line), "Also starring are A and B"
        names += _surface_list_from(doc, i, cue.i, supporting)
    return names


COLON_STARS_RULE = "star_colon_list"


def colon_star_list(doc: Doc) -> list[Span]:
    """"hosted by a succession of the studio's legendary stars: A, B, C": the names a plural star noun
    lists after a colon, read by the surface (the parser hangs them anywhere); a credits line "Cast: A"
    at a line's start is read as a label (``_credit_label``)."""
    names: list[Span] = []
    for noun in doc:
        if noun.lower_ == "stars" and noun.pos_ == "NOUN" and noun.i + 1 < len(doc) and doc[noun.i + 1].text == ":" \
                and noun.i > noun.sent.start:
            names += _surface_list_from(doc, noun.i + 2, noun.i)
    return names


def _surface_list_from(doc: Doc, i: int, cue: int, supporting: list[Span] | None = None) -> list[Span]:
    """The list of names read by the surface from ``i`` on (``cue``: the star word before it); the
    names "with C and D in supporting roles" go to ``supporting`` instead."""
    names: list[Span] = []
    group = 0  # where the names after the last "with" start
    while i < len(doc) and not (i > cue + 1 and doc[i].is_sent_start):
        end = _surface_name(doc, i)
        if end is None:
            break
        names.append(doc[i:end])
        i = end
        if i < len(doc) and doc[i].lower_ == "as":
            i = _skip_character(doc, i + 1)
        role_end = _role_phrase_end(doc, i)
        if role_end is not None and any(t.lower_ in SUPPORTING_WORDS for t in doc[i:role_end]):
            if supporting is not None:
                supporting += names[group:]
            del names[group:]  # "with C and D in supporting roles": not the top billing
            break
        i = role_end or i
        separators = 0
        while i < len(doc) and separators < 2:
            step = _list_separator(doc, i)
            if not step:
                break
            if doc[i + step - 1].lower_ == "with":
                group = len(names)
            i += step
            separators += 1
        if not separators:
            break
    return names


def _list_separator(doc: Doc, i: int) -> int:
    """Tokens of the list separator at ``i`` (0 when none): ",", "and", "&", "as well as",
    "with" / "along with" ("starring A and B, with C and D")."""
    words = [t.lower_ for t in doc[i:i + 3]]
    if words[:1] and words[0] in _SURFACE_SEPARATORS | {"with"}:
        return 1
    if words == ["as", "well", "as"]:
        return 3
    return 2 if words[:2] == ["along", "with"] else 0


def _role_phrase_end(doc: Doc, i: int) -> int | None:
    """End of "in (dual) lead roles" / "in supporting parts" at ``i``, or None when none starts there."""
    if i >= len(doc) or doc[i].lower_ != "in":
        return None
    for end in range(i + 2, min(i + 6, len(doc) + 1)):
        if _lemma(doc[end - 1]) in {"role", "part"}:
            return end
    return None


# Star verbs after their subjects: "A and B star in the film" (the small model often tags "star" a noun there).
TRAILING_STAR_WORDS = {"star", "stars", "starred", "co-star", "co-stars", "co-starred"}
_AFTER_WORK = {".", ",", ";", "as", "alongside", "opposite", "with", "and"}


def _trailing_star_rule(doc: Doc, star: Token) -> str | None:
    """The rule of a star word that follows its stars: "in the film" / "in it" (``star_object``), "in (the)
    lead roles" (``lead_role``), a bare "also star." (``star_object``); None for "starred in the film Jaws"
    (another title), "star in supporting roles" or anything else."""
    i = star.i + 1
    if i >= len(doc) or doc[i].text in {".", ";"}:
        return "star_object" if any(t.lower_ == "also" for t in doc[max(star.sent.start, star.i - 2):star.i]) else None
    if doc[i].lower_ != "in":
        return None
    role_end = _role_phrase_end(doc, i)
    if role_end is not None:
        roles = doc[i + 1:role_end]
        return "lead_role" if any(t.lower_ in LEAD_WORDS for t in roles) and not any(
            t.lower_ in SUPPORTING_WORDS for t in roles) else None
    j = i + 1 + (i + 1 < len(doc) and doc[i + 1].lower_ in ("the", "this"))
    if j < len(doc) and (doc[j].lower_ in CLIENT_NOUNS) and (j + 1 >= len(doc) or doc[j + 1].lower_ in _AFTER_WORK):
        return "star_object"
    return None


def trailing_stars(doc: Doc) -> list[tuple[Span, str]]:
    """"A, B and C star in the film", "A and B star in lead roles", "A and B also star.": the names right
    before a star word (joined by list separators only), with the rule its phrase gives."""
    ends = {e.end: e for e in doc.ents if e.label_ == "PERSON"}
    found: list[tuple[Span, str]] = []
    for star in (t for t in doc if t.lower_ in TRAILING_STAR_WORDS):
        end = star.i - (star.i > 0 and doc[star.i - 1].lower_ == "also")
        rule = _trailing_star_rule(doc, star) if end in ends else None
        while rule is not None and end in ends:
            name = ends[end]
            found.append((name, rule))
            end = name.start
            while end > name.sent.start and doc[end - 1].lower_ in _SURFACE_SEPARATORS:
                end -= 1
            if end == name.start:
                break
    return found


class RelationRules:
    """Pipeline component: finds credited people (and companies) among the entities of each doc;
    cast lists (one name a line) are read by their layout instead (``cast_credits``)."""

    def __init__(self, confidences: dict[str, float], lead_cast_lines: int, billing_list_names: int) -> None:
        self.confidences = confidences
        self.lead_cast_lines = lead_cast_lines
        self.billing_list_names = billing_list_names   # read by ``extract.billing``

    def cast_credits(self, text: str) -> list[tuple[CastLine, str, float]]:
        """(line, rule, confidence) of every name of a text laid out as a cast list ([] otherwise)."""
        return [(line, rule, self.confidence(STARRING, rule)) for line, rule in credited(text, self.lead_cast_lines)]

    def confidence(self, relation: str, rule: str) -> float:
        """Measured precision of ``rule`` for ``relation``, else of the rule over all relations."""
        return self.confidences.get(f"{relation}/{rule}", self.confidences.get(rule, UNMEASURED_CONFIDENCE))

    @staticmethod
    def _add_surface_stars(doc: Doc, found: dict[tuple[int, int], list[tuple[str, str]]], spans: list[Span],
                           rule: str) -> None:
        """Star-list names read by their surface; a name the entities cut differently ("Romesh" +
        "Sharma" ORG, "Helen, Lewis Stone") loses its starring credits to the surface name."""
        people = [e for e in doc.ents if e.label_ == "PERSON"]
        not_names = [e for e in doc.ents if e.label_ in NOT_NAME_LABELS or _place_name(e)]
        for span in spans:
            if any(e.start < span.end and span.start < e.end for e in not_names):
                continue  # a title, a date, a number: no one's name
            # a PERSON entity holding the surface name is the longer reading ("Shabnom Bubly", "Bubly" not PROPN)
            span = next((e for e in people if e.start <= span.start and span.end <= e.end), span)
            key = (span.start, span.end)
            for other, pairs in found.items():
                if other != key and other[0] < span.end and span.start < other[1]:
                    pairs[:] = [pair for pair in pairs if pair[0] != STARRING]
            found.setdefault(key, []).append((STARRING, rule))

    def __call__(self, doc: Doc) -> Doc:
        rows = []
        found: dict[tuple[int, int], list[tuple[str, str]]] = {}
        for ent in doc.ents:
            if ent.label_ == "PERSON" and not is_character(ent):
                found[(ent.start, ent.end)] = relations_of(ent)
            elif ent.label_ in MISLABELLED_PERSON and not _place_name(ent):
                as_person = [(r, rule + MISLABELLED_SUFFIX) for r, rule in relations_of(ent)
                             if r != PRODUCED_BY and r != DISTRIBUTED_BY and not is_character(ent)]
                companies = company_relations_of(ent) if ent.label_ in COMPANY_LABELS else []
                found[(ent.start, ent.end)] = as_person + companies
        for ent in doc.ents:
            key = (ent.start, ent.end)
            if key in found and not found[key] and not is_character(ent):
                found[key] = [(r, "by_surface" + ("" if ent.label_ == "PERSON" else MISLABELLED_SUFFIX))
                              for r in _surface_agent_relations(ent)
                              if ent.label_ == "PERSON" or r not in (PRODUCED_BY, DISTRIBUTED_BY)]
        for span in unlabelled_names(doc):
            pairs = [(r, rule + NO_ENTITY_SUFFIX) for r, rule in relations_of(span) if not is_character(span)]
            if pairs:
                found[(span.start, span.end)] = pairs
        star_rules = {span: max((rule for relation, rule in pairs if relation == STARRING),
                                key=lambda rule: self.confidence(STARRING, rule))
                      for span, pairs in found.items() if any(relation == STARRING for relation, _ in pairs)}
        for ent, rule in list_continuations(doc, star_rules):
            found.setdefault((ent.start, ent.end), []).append((STARRING, rule))
        for ent, relation in credit_list_continuations(doc, found):
            found.setdefault((ent.start, ent.end), []).append((relation, "credit_by"))
        supporting: list[Span] = []
        self._add_surface_stars(doc, found, surface_star_list(doc, supporting), "star_surface")
        self._add_surface_stars(doc, found, colon_star_list(doc), COLON_STARS_RULE)
        for ent, rule in trailing_stars(doc):
            found.setdefault((ent.start, ent.end), []).append((STARRING, rule))
        for span in company_credit_spans(doc):
            found.setdefault((span.start, span.end), []).append((MADE_BY, "company_banner"))
        for (start, end), pairs in found.items():
            if uncredited(doc[start:end]) or names_its_members(doc[start:end]):
                pairs.clear()
            elif in_supporting_clause(doc[start:end]) or any(o.start < end and start < o.end for o in supporting):
                pairs[:] = [pair for pair in pairs if pair[0] != STARRING]
            elif featured_after_stars(doc[start:end]):  # its own measured rule
                pairs[:] = [(r, FEATURED_RULE if r == STARRING else rule) for r, rule in pairs]
        for (start, end), pairs in found.items():
            ent = doc[start:end]
            qualifier_span = character_after(ent)
            best: dict[str, tuple[float, str]] = {}
            for relation, rule in pairs:
                confidence = self.confidence(relation, rule)
                if relation not in best or confidence > best[relation][0]:
                    best[relation] = (confidence, rule)
            for relation, (confidence, rule) in best.items():
                qualifier = qualifier_span.text if qualifier_span is not None and relation == STARRING else None
                if relation == WRITTEN_BY:
                    qualifier = writing_kind(ent)
                rows.append((relation, ent.start, ent.end, confidence, rule, qualifier, None))
        for relation, span, value, rule in lead_facts(doc):
            rows.append((relation, span.start, span.end, self.confidence(relation, rule), rule, None, value))
        doc._.mmkg_relations = rows
        return doc


if not Doc.has_extension("mmkg_relations"):
    Doc.set_extension("mmkg_relations", default=None)


@Language.factory(RULES_NAME, default_config={"calibration": "", "lead_cast_lines": 5, "billing_list_names": 0,
                                              "rule_versions": {}},
                  requires=["doc.ents", "token.dep"])
def make_relation_rules(nlp: Language, name: str, calibration: str, lead_cast_lines: int, billing_list_names: int,
                        rule_versions: dict[str, int]) -> RelationRules:
    """spaCy factory; ``calibration`` is a rule-confidence file (empty: the packaged one);
    ``lead_cast_lines``: how many first names of a cast list are the top billing (tuned on dev);
    ``billing_list_names``: how many stars a film's prose star lists must name before its cast-list
    lines past them are cut from the top billing (``extract/billing.py``; 0: no cut);
    ``rule_versions``: the rule families' versions, checked here, read by the stage."""
    if lead_cast_lines < 0 or billing_list_names < 0:
        raise ValueError(f"lead_cast_lines and billing_list_names must be >= 0, got {lead_cast_lines}, "
                         f"{billing_list_names}")
    check_versions(rule_versions)
    if "lemmatizer" in nlp.component_names:
        _LEMMATIZER[:] = [nlp.get_pipe("lemmatizer")]
    return RelationRules(load_confidences(Path(calibration) if calibration else CALIBRATION_PATH), lead_cast_lines,
                         billing_list_names)
