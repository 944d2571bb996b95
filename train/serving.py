"""Serve recommendations from a saved checkpoint: the cascade's top-K, each movie explained by a
KG path (user -> clicked movie -> shared entity -> recommended movie) and, for MGNN-like models,
the contribution of each item part (id, text, keyframes, ...) to its score.

A checkpoint holds the model's name, options, hidden size, seed and state; the model is rebuilt
on the export it was trained on (ripple sets are seeded, so they come out the same).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import torch

from train.data import ExportData
from train.models import ModelContext, RecModel, build_model
from train.pipeline import PipelineConfig, attribute_matrix, cascade

CHECKPOINT_SUFFIX = ".pt"


@dataclass(frozen=True)
class Recommendation:
    item: int
    title: str
    score: float
    path: tuple[str, ...]  # user, clicked movie, relation: entity, recommended movie; () when none
    contributions: dict[str, float] = field(default_factory=dict)  # item part -> <user, part vector>


def save_checkpoint(path: Path, name: str, model: RecModel, hidden: int, options: dict, seed: int,
                    split: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save({"name": name, "hidden": hidden, "options": options, "seed": seed, "split": split,
                "state": {k: v.cpu() for k, v in model.state_dict().items()}}, tmp)
    tmp.replace(path)
    return path


def load_checkpoint(path: Path, data: ExportData) -> tuple[str, RecModel]:
    saved = torch.load(path, map_location="cpu", weights_only=True)
    model = build_model(saved["name"], ModelContext(data, saved["hidden"], saved["options"], saved["seed"]))
    model.load_state_dict(saved["state"])
    return saved["name"], model.eval()


def kg_path(data: ExportData, user: int, item: int, preferred: tuple[str, ...]) -> tuple[str, ...]:
    """A shortest explanation: one of the user's training movies sharing an entity with ``item``,
    through a relation of ``preferred`` first when there is one."""
    users, items = data.splits["train"]
    clicked = set(items[users == user].tolist())
    heads, tails, rels = data.kg_head, data.kg_tail, data.kg_relation
    mine = {(int(t), int(r)) for t, r in zip(tails[heads == item], rels[heads == item])}
    rank = {name: i for i, name in enumerate(preferred)}
    best = None
    for head, tail, rel in zip(heads, tails, rels):
        if int(head) in clicked and (int(tail), int(rel)) in mine:
            key = rank.get(data.relation_names[rel], len(rank))
            if best is None or key < best[0]:
                best = (key, int(head), int(tail), int(rel))
    if best is None:
        return ()
    _, head, tail, rel = best
    entity = data.entity_names[tail - data.n_items] if tail - data.n_items < len(data.entity_names) else str(tail)
    return (f"user {user}", data.titles[head], f"{data.relation_names[rel]}: {entity}", data.titles[item])


@torch.no_grad()
def contributions(model: RecModel, user: int, item: int) -> dict[str, float]:
    if not hasattr(model, "item_parts"):
        return {}
    users, _ = model.ranking_vectors()
    parts = model.item_parts(torch.tensor([item]))
    return {part: float(users[user] @ vector[0]) for part, vector in parts.items()}


@torch.no_grad()
def recommend(model: RecModel, data: ExportData, user: int, config: PipelineConfig) -> list[Recommendation]:
    """The cascade's top-k unseen movies for ``user`` (seen = train and validation), explained."""
    if not 0 <= user < data.n_users:
        raise ValueError(f"user {user} is not in the export (user_idx 0..{data.n_users - 1})")
    seen = (data.seen("train") | data.seen("val"))[user : user + 1]
    attributes = attribute_matrix(data, config.diversity_relations)
    top = cascade(model, torch.tensor([user]), seen, config, attributes)[0].tolist()
    fine = model.stage_scores(torch.tensor([user]), "fine")[0]
    return [Recommendation(item=i, title=data.titles[i] if i < len(data.titles) else str(i), score=float(fine[i]),
                           path=kg_path(data, user, i, config.diversity_relations),
                           contributions=contributions(model, user, i)) for i in top]

