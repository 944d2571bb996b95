"""MGNN (Alcott, section 2.2): multi-modal item encoding + K-hop ripple user representation.

Items (Eq. 2): the id embedding Em(FC(item)) and one encoder per modality -- FC over the
text tensor, a 3D CNN over keyframes, a CNN over the log-mel spectrogram, a CNN over the
poster -- each zeroed where the item lacks the modality, then fused (``fusion = "concat"``:
concatenation and a linear map to ``hidden``, the paper's transformation matrix; ``"sum"``:
the parts added). Entities: id embeddings. A node reached over a KG edge adds the embedding
of that edge's relation (``use_relations``). A user (Eq. 1, 3) is the sum over hops of
Dense_k(pool of the node vectors in hop k of the ripple set). Score = <user, item>.
Every choice the paper leaves open is an option in ``train/configs/mgnn.toml`` (docs/MGNN.md).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from train.data import MODALITIES
from train.models.base import Batch, DotProductModel, ModelContext
from train.models.encoders import ImageEncoder, TextEncoder, VideoEncoder

ALL_MODALITIES = MODALITIES


def idf_weights(nodes: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Weights [U, H, S] of the ripple nodes: log(1 + U / df), df = the users whose same hop holds the
    node (a hop holds a node once). Computed from the ripple sets, i.e. the training interactions
    and the KG only; padding weighs 0."""
    n_users, hops, _ = nodes.shape
    weights = torch.zeros(mask.shape, dtype=torch.float32)
    for hop in range(hops):
        present = nodes[:, hop][mask[:, hop]]
        df = torch.bincount(present, minlength=int(nodes.max()) + 1).float()
        idf = torch.log1p(n_users / df.clamp(min=1.0))
        weights[:, hop] = idf[nodes[:, hop]] * mask[:, hop]
    return weights


class MGNN(DotProductModel):
    OPTIONS = {
        "modalities": list(ALL_MODALITIES),  # item encoders besides the id embedding
        "id_embedding": True,  # Em(FC(item)): a learnt vector per item
        "fusion": "concat",  # concat (+ linear map) | sum
        "hops": 2,  # K of the ripple (hop 0 = the clicked items)
        "ripple_size": 32,  # nodes kept per hop per user
        "hop_pool": "mean",  # mean | sum of a hop's node vectors before its Dense layer
        "use_relations": True,  # add the embedding of the relation that reached a node
        "text_layers": 1,  # FC layers of the text encoder
        "cnn_channels": 16,  # channels of the first conv layer of each media encoder
        "init_std": 0.1,
        "dedup_batch_items": True,  # encode each distinct node of a batch once (same result, faster)
        # Not in the paper (off by default; docs/MGNN.md): a learnt vector per user added to the user
        # representation, and hop 0 pooled over every training item instead of ripple_size of them.
        "user_embedding": False,
        "clicked_pool": "ripple",  # ripple: hop 0 = the ripple set's sample | all: every training item
        # uniform: every node of a hop weighs the same | idf: a node weighs log(1 + users / users whose
        # same hop holds it), so the genres and languages nearly every user reaches count for little
        "node_weighting": "uniform",
    }

    @classmethod
    def validate_options(cls, options):
        unknown = set(options["modalities"]) - set(ALL_MODALITIES)
        if unknown:
            return f"unknown modalities {sorted(unknown)}; known: {', '.join(ALL_MODALITIES)}"
        if not options["modalities"] and not options["id_embedding"]:
            return "an item needs at least one part: set id_embedding or some modalities"
        if options["fusion"] not in ("concat", "sum") or options["hop_pool"] not in ("mean", "sum"):
            return f"fusion must be concat|sum and hop_pool mean|sum; got {options['fusion']!r}, {options['hop_pool']!r}"
        if options["clicked_pool"] not in ("ripple", "all"):
            return f"clicked_pool must be ripple|all; got {options['clicked_pool']!r}"
        if options["node_weighting"] not in ("uniform", "idf"):
            return f"node_weighting must be uniform|idf; got {options['node_weighting']!r}"
        if options["hops"] < 0 or options["ripple_size"] < 1 or options["text_layers"] < 1:
            return "need hops >= 0, ripple_size >= 1, text_layers >= 1"
        return None

    def __init__(self, ctx: ModelContext) -> None:
        super().__init__()
        d, o, hidden = ctx.data, ctx.options, ctx.hidden
        ripple = ctx.ripple(int(o["hops"]), int(o["ripple_size"]))
        self.n_items, self.n_nodes, self.hidden = d.n_items, d.n_nodes, hidden
        self.modalities = tuple(o["modalities"])
        self.parts = (("id",) if o["id_embedding"] else ()) + self.modalities
        self.fusion, self.hop_pool, self.use_relations = o["fusion"], o["hop_pool"], bool(o["use_relations"])
        self.dedup_batch_items = bool(o["dedup_batch_items"])
        self.node_emb = nn.Embedding(d.n_nodes + 1, hidden, padding_idx=d.n_nodes)
        nn.init.normal_(self.node_emb.weight, std=o["init_std"])
        with torch.no_grad():
            self.node_emb.weight[d.n_nodes].zero_()
        channels = int(o["cnn_channels"])
        builders = {"text": lambda: TextEncoder(d.media["text"].shape[1], hidden, int(o["text_layers"])),
                    "keyframes": lambda: VideoEncoder(hidden, channels),
                    "logmel": lambda: ImageEncoder(1, hidden, channels),
                    "poster": lambda: ImageEncoder(3, hidden, channels)}
        self.encoders = nn.ModuleDict({m: builders[m]() for m in self.modalities})
        self.fuse = nn.Linear(hidden * len(self.parts), hidden) if self.fusion == "concat" else None
        self.relation_emb = nn.Embedding(2 * d.n_relations + 1, hidden) if self.use_relations else None
        if self.relation_emb is not None:
            nn.init.normal_(self.relation_emb.weight, std=o["init_std"])
            with torch.no_grad():
                self.relation_emb.weight[2 * d.n_relations].zero_()  # "self": hop 0 and padding
        self.hop_dense = nn.ModuleList(nn.Linear(hidden, hidden) for _ in range(ripple.nodes.shape[1]))
        for m in self.modalities:
            self.register_buffer(f"media_{m}", d.media[m], persistent=False)
            self.register_buffer(f"has_{m}", d.masks[m].float(), persistent=False)
        self.user_emb = nn.Embedding(d.n_users, hidden) if o["user_embedding"] else None
        if self.user_emb is not None:
            nn.init.normal_(self.user_emb.weight, std=o["init_std"])
        self.clicked_all = o["clicked_pool"] == "all"
        if self.clicked_all:
            pairs = np.unique(np.stack(d.splits["train"][:2], axis=1), axis=0)  # (user, item), sorted by user
            offsets = np.searchsorted(pairs[:, 0], np.arange(d.n_users + 1))
            self.register_buffer("clicked_items", torch.from_numpy(pairs[:, 1].astype(np.int64)), persistent=False)
            self.register_buffer("clicked_offsets", torch.from_numpy(offsets.astype(np.int64)), persistent=False)
        self.register_buffer("ripple_nodes", ripple.nodes, persistent=False)
        weights = idf_weights(ripple.nodes, ripple.mask) if o["node_weighting"] == "idf" else ripple.mask.float()
        self.register_buffer("ripple_mask", weights, persistent=False)  # a node's weight in its hop's pool
        self.register_buffer("ripple_relations", ripple.relations, persistent=False)

    def item_parts(self, items: torch.Tensor) -> dict[str, torch.Tensor]:
        """Each part's contribution [n, hidden] to the fused item vector (they sum to it, less the
        fusion bias): what the modality-contribution explanation reports."""
        blocks = dict(zip(self.parts, self.fuse.weight.split(self.hidden, dim=1))) if self.fuse is not None else {}
        parts = {}
        if "id" in self.parts:
            parts["id"] = self._project(blocks, "id", self.node_emb(items))
        for m in self.modalities:
            parts[m] = self._modality_part(blocks, m, items)
        return parts

    def _project(self, blocks: dict[str, torch.Tensor], part: str, x: torch.Tensor) -> torch.Tensor:
        """A part's block of the concat fusion's linear map (identity for the sum fusion)."""
        return x @ blocks[part].T.to(x.dtype) if blocks else x

    def _modality_part(self, blocks: dict[str, torch.Tensor], modality: str, items: torch.Tensor) -> torch.Tensor:
        """The modality's part [n, hidden]: encoded and projected for the items that have the
        modality, zero for the others. Only those rows go through the encoder and the fusion block:
        the same values as encoding every row and zeroing by the mask (the encoders treat rows
        independently; gradients differ by float summation order only, <= 6e-7 relative), without the
        CNNs of items that have no media (docs/BENCHMARKS.md, train)."""
        present = (getattr(self, f"has_{modality}")[items] > 0).nonzero().squeeze(1)
        encoded = self.encoders[modality](getattr(self, f"media_{modality}")[items[present]])
        part = self._project(blocks, modality, encoded)
        return part.new_zeros(len(items), part.shape[1]).index_copy(0, present, part)

    def item_vectors(self, items: torch.Tensor) -> torch.Tensor:
        """Fused multi-modal vectors of item indices."""
        out = sum(self.item_parts(items).values())
        return out + self.fuse.bias if self.fuse is not None else out

    def node_vectors(self, nodes: torch.Tensor) -> torch.Tensor:
        """Items get fused vectors, entities (and padding, = 0) their embeddings."""
        is_item = nodes < self.n_items
        out = self.node_emb(nodes)
        if bool(is_item.any()):
            out = out.masked_scatter(is_item.unsqueeze(1), self.item_vectors(nodes[is_item]).to(out.dtype))
        return out

    def _clicked(self, users: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Every training item of ``users`` as one flat node list and each user's start in it
        (``clicked_pool = "all"``)."""
        starts = self.clicked_offsets[users]
        lengths = self.clicked_offsets[users + 1] - starts
        bag_starts = torch.cumsum(lengths, 0) - lengths
        within = torch.arange(int(lengths.sum()), device=users.device) - torch.repeat_interleave(bag_starts, lengths)
        return self.clicked_items[torch.repeat_interleave(starts, lengths) + within], bag_starts

    def _users_from(self, table: torch.Tensor, index: torch.Tensor, users: torch.Tensor,
                    clicked: tuple[torch.Tensor, torch.Tensor] | None = None) -> torch.Tensor:
        """Users [B, h] from node vectors ``table`` [T, h] and their ripple sets as rows of it
        (``index`` [B, H, S]): per hop, the masked pool of the node vectors (plus the embedding of
        the relation that reached each node) through that hop's Dense layer, summed over hops.

        The pool is a weighted ``embedding_bag`` over the table: forward and backward touch the
        B x S rows a hop names, where a dense [B, T] weight matrix times the table cost B x T x h
        (T is most of the catalogue on ml-latest-small) and gathering a [B, H, S, h] tensor
        scatter-adds its gradient row by row (docs/BENCHMARKS.md, train). ``clicked`` (rows of the
        table and each user's start, ``clicked_pool = "all"``) replaces hop 0 by every training item."""
        weights = self.ripple_mask[users]
        if self.hop_pool == "mean":
            weights = weights / weights.sum(2, keepdim=True).clamp(min=1.0)
        out = 0
        for hop, dense in enumerate(self.hop_dense):
            hop_weights = weights[:, hop].to(table.dtype)
            if hop == 0 and clicked is not None:
                pooled = F.embedding_bag(clicked[0], table, clicked[1], mode=self.hop_pool)
            else:
                pooled = F.embedding_bag(index[:, hop], table, per_sample_weights=hop_weights, mode="sum")
            if self.relation_emb is not None:
                relations = self.relation_emb.weight.to(table.dtype)
                pooled = pooled + F.embedding_bag(self.ripple_relations[users][:, hop], relations,
                                                  per_sample_weights=hop_weights, mode="sum")
            out = out + dense(pooled)
        return out + self.user_emb(users).to(out.dtype) if self.user_emb is not None else out

    def pair_scores(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        """Scores of positive and negative items; each distinct node of the batch is encoded once."""
        ripple = self.ripple_nodes[batch.users]
        clicked, bag_starts = self._clicked(batch.users) if self.clicked_all else (ripple.new_zeros(0), None)
        needed = torch.cat([ripple.flatten(), clicked, batch.pos, batch.neg])
        if self.dedup_batch_items:
            table, index = torch.unique(needed, return_inverse=True)
            table = self.node_vectors(table)
        else:
            table, index = self.node_vectors(needed), torch.arange(len(needed), device=needed.device)
        n_ripple, n_users_side = ripple.numel(), ripple.numel() + len(clicked)
        bags = (index[n_ripple:n_users_side], bag_starts) if self.clicked_all else None
        user = self._users_from(table, index[:n_ripple].view(ripple.shape), batch.users, bags)
        pos_v, neg_v = table[index[n_users_side:]].split(len(batch.pos))
        return (user * pos_v).sum(1), (user * neg_v).sum(1)

    def ranking_vectors(self, chunk: int = 1024) -> tuple[torch.Tensor, torch.Tensor]:
        """(all user vectors [U, h], all item vectors [N, h]) from one pass over every node."""
        nodes = torch.arange(self.n_nodes + 1, device=self.node_emb.weight.device)
        table = torch.cat([self.node_vectors(nodes[i : i + chunk]) for i in range(0, len(nodes), chunk)])
        users = torch.arange(self.ripple_nodes.shape[0], device=table.device)
        chunks = [users[i : i + chunk] for i in range(0, len(users), chunk)]
        user_vectors = torch.cat([
            self._users_from(table, self.ripple_nodes[c], c, self._clicked(c) if self.clicked_all else None)
            for c in chunks
        ])
        return user_vectors, table[: self.n_items]

    # The cascade's cheap stages: the id part alone, then id + text; no CNN runs on the catalogue.
    STAGE_PARTS = {"retrieval": ("id",), "rough": ("id", "text")}

    def stage_item_vectors(self, stage: str) -> torch.Tensor:
        """Item vectors of a cascade stage: the parts STAGE_PARTS names (those the model has; the
        text part when it has no id part), all parts plus the fusion bias for ``fine``."""
        items = torch.arange(self.n_items, device=self.node_emb.weight.device)
        if stage == "fine":
            return self.item_vectors(items)
        parts = self.item_parts(items)
        chosen = [parts[p] for p in self.STAGE_PARTS[stage] if p in parts] or [parts[self.parts[0]]]
        return sum(chosen)

    def stage_scores(self, users: torch.Tensor, stage: str) -> torch.Tensor:
        user_vectors, _ = self.ranking_vectors()
        return user_vectors[users] @ self.stage_item_vectors(stage).T
