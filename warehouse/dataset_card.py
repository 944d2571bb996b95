"""The README.md dataset card shipped in every export: what it is, how to load it, whose data it is."""

from __future__ import annotations

from collections.abc import Mapping

MOVIELENS_CITATION = (
    "F. Maxwell Harper and Joseph A. Konstan. 2015. The MovieLens Datasets: History and Context. "
    "ACM Transactions on Interactive Intelligent Systems (TiiS) 5, 4: 19:1–19:19. "
    "https://doi.org/10.1145/2827872"
)


def render_dataset_card(build_id: str, created_at: str, counts: Mapping[str, object]) -> str:
    """Markdown card; counts are the manifest's so the two never disagree."""
    coverage = counts.get("feature_coverage", {})
    coverage = dict(coverage)
    if "items_with_text" in counts:
        coverage["text"] = counts["items_with_text"]
    coverage_lines = "\n".join(f"| items with {name} | {value} |" for name, value in coverage.items())
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
| kg_edges (item -> entity) | {counts.get("kg_edges")} |
| RDF triples | {counts.get("triples")} |
{coverage_lines}

## Files
- `items.parquet`: item_idx (0..N-1), movie_id, title, year, movielens_id, imdb_id.
- `interactions.parquet`: user_idx, item_idx, user_id, rating, timestamp (Unix seconds), split
  (0 train, 1 validation, 2 test: per user 20 % test, the rest 8:2 train/validation, seeded;
  users with fewer than 5 interactions are train only).
- `entities.parquet`: entity_idx, node_idx (= number of items + entity_idx), entity_id, kind, name.
- `kg.parquet`: head_idx, relation, tail_idx over one node index: items first, then entities.
- `features.safetensors`: keyframes [N,F,S,S,3] uint8, logmel [N,M,T] float16, poster [N,S,S,3]
  uint8, text [N,D] float32 and has_keyframes / has_logmel / has_poster / has_text masks; row i is
  item_idx i, zeros where missing.
- text features (`text` above and `mmrec/text_feat.npy`, the same matrix): each item's title,
  genres, description and crawled documents (page description, Wikipedia-style article) as
  TF-IDF (sublinear tf, English stop words) reduced by a seeded TruncatedSVD to D = 64 dimensions
  (fewer only when there are not enough items or terms); the same warehouse gives the same bytes.
- `graph.nt`: the build's RDF graph in N-Triples.
- `graph.ttl`: the same graph in Turtle, with the prefixes `mmkg:` (https://w3id.org/mmkg/ontology#)
  and `res:` (https://w3id.org/mmkg/resource/).
- `recbole/mmkg.{{inter,item,kg,link}}`: RecBole atomic files (tab separated, typed headers).
- `mmrec/mmkg.inter` (x_label = split above), `mmrec/image_feat.npy` (8x8 average-pooled posters)
  and `mmrec/text_feat.npy` (the text features above); row i of both is itemID i.
- `manifest.json`: sha256 and size of every file, and the counts above.

## How to load
```python
import pandas as pd
from safetensors.numpy import load_file
items = pd.read_parquet("items.parquet")
inter = pd.read_parquet("interactions.parquet")
feats = load_file("features.safetensors")   # feats["poster"][i] belongs to items.item_idx == i
```
RecBole: copy `recbole/` to `dataset/mmkg/` and run with `dataset: mmkg`, `load_col` including
`kg: [head_id, relation_id, tail_id]` and `link: [item_id, entity_id]`. MMRec: put `mmrec/` under
`data/mmkg/` with `inter_file_name: mmkg.inter`, `vision_feature_file: image_feat.npy` and
`text_feature_file: text_feat.npy`.

## Licences and attribution
- **MovieLens** ratings and movie metadata (ml-latest-small) are © GroupLens, University of
  Minnesota, under the MovieLens usage licence: research use only, no redistribution without
  permission, no commercial use. Cite: {MOVIELENS_CITATION}
- **Wikipedia** article text and the facts extracted from it are © Wikipedia contributors,
  CC BY-SA (https://creativecommons.org/licenses/by-sa/4.0/); derived data carries the same licence.
- **Media** (audio clips, poster / trailer source images) are openly licensed files listed
  with their sources in the shared data's `media/README.md`. Most are CC0 or public domain;
  the CC BY clips need attribution: "Vibe Ace" by Kevin MacLeod (CC BY 3.0, Free Music
  Archive); Mihai Sorohan, "Jazz Trumpet Loops Pack in F 90 bpm" (CC BY 3.0, freesound.org/s/77711/);
  LibriSpeech "Ashiel Mystery - A Detective Story", narrated by Garth Comira (CC BY 4.0, openslr.org/12).
"""
