"""Bad documents get a recorded outcome, never a crash, and never stop the good ones."""

from __future__ import annotations

import hashlib

from extract import ExtractConfig, extract_entities
from extract.cleaning import blank_markup, chunks, not_english_reason, repair_mojibake
from warehouse import Warehouse, upsert

FIRST = ("James Mary John Linda Robert Susan Michael Karen William Nancy Richard Lisa Thomas Betty Daniel Helen "
         "Paul Sandra Mark Donna George Carol Steven Ruth Edward").split()
LAST = "Smith Johnson Brown Miller Davis Wilson Moore Taylor Anderson Jackson Harris Martin Thompson Garcia Clark Lewis Walker Hall Allen Young".split()
GOOD = "Barry Lyndon is a 1975 film directed by Stanley Kubrick. It stars Ryan O'Neal."
TEXTS = {
    "empty": "  \n ",
    "french": "Le film raconte l'histoire d'un jeune homme irlandais qui veut devenir un gentilhomme " * 3,
    "cyrillic": "Фильм рассказывает историю молодого ирландца который хочет стать джентльменом " * 3,
    "markup": "<p>'''Barry Lyndon''' is a film [[Film director|directed]] by [[Stanley Kubrick]].</p>{{cite web}}",
    "mojibake": "Barry Lyndon stars Hardy KrÃ¼ger and was directed by Stanley Kubrick.",
    "cast500": "\n".join(f"{first} {last} as {last} the Younger" for first in FIRST for last in LAST),
    "long": ("Barry Lyndon is a 1975 film directed by Stanley Kubrick. " + "The candles burn all night. " * 200) * 3,
    "control": "Barry Lyndon\x00 is a\x0b film\x07 directed by Stanley Kubrick.\x0c\x1b[0m",
    "good": GOOD,
}


def test_cleaning_helpers() -> None:
    assert blank_markup("'''X''' [[a|b]]") == "   X        b  "
    assert blank_markup("film\x07 by\x1b[0m X\x00") == "film  by     X "
    assert repair_mojibake("KrÃ¼ger") == "Krüger"
    assert not_english_reason(TEXTS["french"]) and not_english_reason(TEXTS["cyrillic"])
    assert not_english_reason(GOOD * 3) is None
    # Chinese and Japanese leads: no spaces, so few "words", but every letter in another script.
    assert not_english_reason("霸王别姬是一部1993年上映的中国剧情片，由陈凯歌执导，张国荣、张丰毅、巩俐主演。")
    assert not_english_reason("千と千尋の神隠しは、2001年に公開された日本のアニメーション映画。宮崎駿が監督を務めた。")
    assert not_english_reason("Seven Samurai (七人の侍, Shichinin no Samurai) is a 1954 Japanese epic film by Akira Kurosawa.") is None
    pieces = list(chunks(TEXTS["long"], 2000))
    assert len(pieces) > 1 and all(len(p) <= 2000 for _, p in pieces)
    assert "".join(p for _, p in pieces) == TEXTS["long"]


def test_bad_documents_are_skipped_or_read_and_the_good_one_still_counts(warehouse: Warehouse) -> None:
    with warehouse.transaction() as con:
        upsert(con, "movies", [{"movie_id": kind, "url": f"http://127.0.0.1/m/{kind}", "title": "Barry Lyndon",
                                "year": 1975, "article_url": None, "build_id": "crawl"} for kind in TEXTS])
        upsert(con, "documents", [  # one movie each, so each document's own credits are kept
            {"url": f"http://127.0.0.1/{kind}", "movie_id": kind, "kind": "page-text", "text": text,
             "content_sha256": hashlib.sha256(text.encode()).hexdigest(), "build_id": "crawl"}
            for kind, text in TEXTS.items()])
    summary = extract_entities(ExtractConfig(max_chunk_chars=2000, cue_passages_only=False), warehouse, "b1")
    with warehouse.connect() as con:
        errors = dict(con.execute("SELECT source, reason FROM errors WHERE stage = 'extract'").fetchall())
        directed = {u for (u,) in con.execute(
            "SELECT source_url FROM relations WHERE relation = 'directed_by' AND entity_id = 'person/stanley-kubrick'").fetchall()}
        cast = con.execute("SELECT count(DISTINCT surface) FROM mentions WHERE doc_url LIKE '%cast500' AND label = 'PERSON'").fetchone()[0]
        long_mentions = con.execute("SELECT start_char, end_char FROM mentions WHERE doc_url LIKE '%long'").fetchall()
        kruger = con.execute("SELECT count(*) FROM entities WHERE entity_id = 'person/hardy-kruger'").fetchone()[0]
        surfaces = [s for (s,) in con.execute("SELECT surface FROM mentions").fetchall()]
        cast_stars = con.execute("""SELECT count(*) FROM relations WHERE relation = 'starring'
                                    AND source_url LIKE '%cast500'""").fetchone()[0]
    assert errors["http://127.0.0.1/empty"] == "document text is empty"
    assert "not English" in errors["http://127.0.0.1/french"] and "not English" in errors["http://127.0.0.1/cyrillic"]
    assert summary.errors == 3 and summary.documents_processed == 6
    # markup leftovers are blanked, not read as words: the marked-up text still credits the director,
    # and no mention holds a bracket or a tag; control characters do not stop a document either
    assert {"http://127.0.0.1/markup", "http://127.0.0.1/control", "http://127.0.0.1/good"} <= directed
    assert not [s for s in surfaces if any(mark in s for mark in ("[[", "]]", "<", ">", "{{", "}}"))]
    long_text = TEXTS["long"]  # every chunk is read, and offsets point into the whole text
    assert {long_text[a:b] for a, b in long_mentions} == {"Stanley Kubrick", "Barry Lyndon", "1975"} and max(a for a, _ in long_mentions) > 4000
    assert cast > 400 and kruger == 1  # every listed actor is read (their lines score too low to be credited)
    assert cast_stars == 5  # only the top billing (``lead_cast_lines``) of a 500-name list is starring


def test_a_text_over_the_model_max_length_is_read_in_chunks_to_its_end(warehouse: Warehouse) -> None:
    from extract.nlp import load_pipeline

    filler = "The candles burn all night in the old house. " * 26_000
    text = filler + "\n\nThe film was directed by Stanley Kubrick."
    assert len(text) > load_pipeline().max_length
    with warehouse.transaction() as con:
        upsert(con, "movies", [{"movie_id": "m1", "url": "http://127.0.0.1/m1", "title": "Barry Lyndon",
                                "year": 1975, "article_url": None, "build_id": "crawl"}])
        upsert(con, "documents", [{"url": "http://127.0.0.1/huge", "movie_id": "m1", "kind": "article", "text": text,
                                   "content_sha256": hashlib.sha256(text.encode()).hexdigest(), "build_id": "crawl"}])
    summary = extract_entities(ExtractConfig(), warehouse, "b1")
    with warehouse.connect() as con:
        mentions = con.execute("SELECT start_char, end_char FROM mentions").fetchall()
        directed = con.execute("SELECT entity_id FROM relations WHERE relation = 'directed_by'").fetchall()
    assert summary.errors == 0 and directed == [("person/stanley-kubrick",)]
    assert [text[a:b] for a, b in mentions] == ["Stanley Kubrick"] and mentions[0][0] > 1_000_000
