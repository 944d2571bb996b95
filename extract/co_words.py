"""Credit words with a "co-" prefix kept as one token ("co-wrote", "co-directed", "co-stars").

spaCy's English tokenizer splits them at the hyphen, and the small model then parses "Anna Kohler
co-wrote the screenplay" as a proper noun "co" with "Kohler" hanging on it, so no credit verb has
the writer as its subject. Kept whole, the same sentence parses as subject + verb + object. The
tokenizer is registered as ``CO_TOKENIZER`` and named in ``extract/extract.cfg``; ``CO_LEMMAS``
gives each form the lemma the rules look up (the lemmatizer leaves an unknown "co-wrote" as is).
"""

from __future__ import annotations

from collections.abc import Callable

import spacy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokenizer import Tokenizer

CO_TOKENIZER = "mmkg_co_word_tokenizer.v1"
_FORMS = {
    "write": ("write", "writes", "wrote", "written", "writing"),
    "direct": ("direct", "directs", "directed", "directing"),
    "produce": ("produce", "produces", "produced", "producing"),
    "star": ("star", "stars", "starred", "starring"),
    "writer": ("writer", "writers"),
    "director": ("director", "directors"),
    "producer": ("producer", "producers"),
}
CO_LEMMAS: dict[str, str] = {f"co-{form}": f"co-{lemma}" for lemma, forms in _FORMS.items() for form in forms}


@spacy.registry.tokenizers(CO_TOKENIZER)
def create_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's default tokenizer plus a special case for every "co-" credit word (and its capitalised form)."""
    make_default = spacy.registry.tokenizers.get("spacy.Tokenizer.v1")()

    def make(nlp: Language) -> Tokenizer:
        tokenizer = make_default(nlp)
        for word in CO_LEMMAS:
            for form in (word, word.capitalize()):
                tokenizer.add_special_case(form, [{ORTH: form}])
        return tokenizer

    return make
