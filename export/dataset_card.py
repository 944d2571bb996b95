"""The README.md dataset card shipped in every export: what it is, how to load it, whose data it is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from demo_site.credits import read_media_credits

MOVIELENS_CITATION = (
    "F. Maxwell Harper and Joseph A. Konstan. 2015. The MovieLens Datasets: History and Context. "
    "ACM Transactions on Interactive Intelligent Systems (TiiS) 5, 4: 19:1–19:19. "
    "https://doi.org/10.1145/2827872"
)


@dataclass(frozen=True)
class SourcesUsed:
    """What this build took from each source: the licence section lists only these."""

    movielens_items: int = 0  # items linked to MovieLens (ids, metadata)
    ratings: int = 0  # MovieLens ratings exported as interactions
    wikipedia_items: int = 0  # items with a Wikipedia-style article
    media: dict[str, int] = field(default_factory=dict)  # media kind -> ok assets
    media_hosts: tuple[str, ...] = ()


def licence_section(sources: SourcesUsed, data_dir: Path | None) -> str:
    """One bullet per source the build used; media attributions come from the media README."""
    lines = []
    if sources.movielens_items or sources.ratings:
        lines.append(
            f"- **MovieLens** ({sources.movielens_items} items linked, {sources.ratings} ratings): ml-latest-small, "
            "© GroupLens, University of Minnesota, under the MovieLens usage licence: research use only, "
            f"no redistribution without permission, no commercial use. Cite: {MOVIELENS_CITATION}"
        )
    if sources.wikipedia_items:
        lines.append(
            f"- **Wikipedia** ({sources.wikipedia_items} items with an article): article text and the facts "
            "extracted from it are © Wikipedia contributors, CC BY-SA "
            "(https://creativecommons.org/licenses/by-sa/4.0/); derived data carries the same licence."
        )
    if sources.media:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(sources.media.items()))
        hosts = ", ".join(sources.media_hosts) or "unknown hosts"
        lines.append(f"- **Media** ({kinds}) fetched from {hosts}; their licences are those of the site that serves them.")
        readme = Path(data_dir) / "media" / "README.md" if data_dir else None
        credits = read_media_credits(readme) if readme and readme.is_file() else {}
        attributed = {name: text for name, text in credits.items() if "CC BY" in text}
        if credits:
            lines.append(
                "  The embedded default site makes its posters, trailers and audio from the openly licensed "
                "files of the shared data's `media/README.md` (CC0 or public domain unless listed here); "
                "the CC BY files need attribution:"
            )
            lines += [f"  - `{name}`: {text}" for name, text in sorted(attributed.items())]
    return "\n".join(lines) or "- No third-party source was used by this build."


def render_dataset_card(
    build_id: str, created_at: str, counts: Mapping[str, object],
    sources: SourcesUsed = SourcesUsed(), data_dir: Path | None = None,
) -> str:
    """Markdown card; counts are the manifest's so the two never disagree."""
    coverage = counts.get("feature_coverage", {})
    coverage = dict(coverage)
    if "items_with_text" in counts:
        coverage["text"] = counts["items_with_text"]
    coverage_lines = "\n".join(f"| items with {name} | {value} |" for name, value in coverage.items())
    licences = licence_section(sources, data_dir)
    return f"""# mmkg export `{build_id}`

A multi-modal movie knowledge graph (MMKG) with user-item interactions, built by mmkg on
{created_at}. Items are movies; the graph links them to people, genres, companies, countries
and languages; each item may carry keyframes of its trailer, a log-mel spectrogram of its
audio clip, its poster and a text feature of its title, genres, description and article. It is the input of the MGNN recommender and of any RecBole / MMRec model.

## Counts
| what | number |
|---|---|
| users | {counts.get("users")} |
| items | {counts.get("items")} |
| interactions | {counts.get("interactions")} |
| entities | {counts.get("entities")} |
| items with interactions | {counts.get("items_with_interactions")} |
| kg_edges (node -> node triples) | {counts.get("kg_edges")} |
| RDF triples | {counts.get("triples")} |
{coverage_lines}

## Files
One item index, one user index and one node index run through every file:
- `items.parquet`: item_idx (0..N-1; items with interactions first), movie_id, title, year,
  movielens_id, imdb_id. Only the movies this build's crawl saw.
- `users.parquet`: user_idx (0..U-1) and the source user_id (MovieLens userId).
- `interactions.parquet`: user_idx, item_idx, user_id, rating, timestamp (Unix seconds), split
  (0 train, 1 validation, 2 test: per user 20 % test, the rest 8:2 train/validation, seeded;
  users with fewer than 5 interactions are train only).
- `entities.parquet`: every non-item node of the build's graph: entity_idx, node_idx (= number of
  items + entity_idx), entity_id (`person/…`, `genre/…`; `trailer/<sha256>` … for media nodes of the
  entity-based style), kind (its class: Person, Genre, …, Trailer, Poster, AudioClip), name.
- `kg.parquet`: head_idx, relation, tail_idx, extractor, confidence over that node index: exactly the
  build's node-to-node triples of `graph.nt` (so the KG style and min_confidence are what models see).
- `features.safetensors`: keyframes [N,F,S,S,3] uint8, logmel [N,M,T] float16, poster [N,S,S,3]
  uint8, text [N,D] float32 and has_keyframes / has_logmel / has_poster / has_text masks; row i is
  item_idx i, zeros where missing.
- text features (`text` above and `mmrec/text_feat.npy`): each item's title, genres, description and
  crawled documents (page description, Wikipedia-style article) as TF-IDF (sublinear tf, English stop
  words) reduced by a seeded TruncatedSVD to D = 64 dimensions (fewer only when there are not enough
  items or terms); the same warehouse gives the same bytes.
- `graph.nt`: the build's RDF graph in N-Triples.
- `graph.ttl`: the same graph in Turtle, with the prefixes `mmkg:` (https://w3id.org/mmkg/ontology#)
  and `res:` (https://w3id.org/mmkg/resource/).
- `recbole/mmkg.{{inter,item,kg,link}}` and `recbole/mmkg.{{train,valid,test}}.inter` (the split above):
  RecBole atomic files (tab separated, typed headers); user_id = user_idx, item_id = movie_id;
  `recbole/mmkg.yaml` is the dataset config (`benchmark_filename: [train, valid, test]`).
- `mmrec/mmkg.inter` (userID = user_idx, itemID = item_idx, x_label = split above),
  `mmrec/image_feat.npy` (8x8 average-pooled posters), `mmrec/text_feat.npy` (the text features
  above), `mmrec/audio_feat.npy` (per mel band mean and std of the log-mel); row i of each is itemID i,
  for the items with interactions (the items MMRec sees); `mmrec/mmkg.yaml` is MMRec's dataset config.
- `manifest.json`: sha256 and size of every file, the counts above, and the items gone and new since
  the previous published build.

## How to load
```python
import pandas as pd
from safetensors.numpy import load_file
items = pd.read_parquet("items.parquet")
inter = pd.read_parquet("interactions.parquet")
feats = load_file("features.safetensors")   # feats["poster"][i] belongs to items.item_idx == i
```
RecBole 1.2.1: copy `recbole/` to `dataset/mmkg/` and run with `dataset: mmkg` and
`config_file_list=["dataset/mmkg/mmkg.yaml"]`, so RecBole evaluates on this split. MMRec: put
`mmrec/` under `data/mmkg/` and `mmrec/mmkg.yaml` in `src/configs/dataset/`.

## Licences and attribution
{licences}
"""
