"""recall@k / ndcg@k against hand-computed values."""

from __future__ import annotations

import math

import pytest
import torch

from train.metrics import evaluate_ranking, ndcg_at_k, recall_at_k, top_k_items

SCORES = torch.tensor([[4.0, 3.0, 2.0, 1.0, 0.0],
                       [4.0, 3.0, 2.0, 1.0, 0.0],
                       [0.0, 1.0, 2.0, 3.0, 4.0]])
EXCLUDE = torch.tensor([[True, False, False, False, False],
                        [True, False, False, False, False],
                        [False, False, False, False, False]])
RELEVANT = torch.tensor([[False, False, True, False, True],   # 2 relevant, one at rank 2
                         [False, True, False, False, False],  # 1 relevant at rank 1
                         [False, False, False, False, False]])  # no held-out items: not averaged


def test_top_k_skips_excluded_items():
    assert top_k_items(SCORES, EXCLUDE, 2).tolist() == [[1, 2], [1, 2], [4, 3]]


def test_recall_and_ndcg_by_hand():
    top = top_k_items(SCORES, EXCLUDE, 2)
    assert recall_at_k(top, RELEVANT)[:2].tolist() == [0.5, 1.0]
    expected_a = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(top, RELEVANT)[:2].tolist() == pytest.approx([expected_a, 1.0])


def test_ndcg_is_one_only_for_an_ideal_list():
    relevant = torch.tensor([[True, True, False, False]])
    assert ndcg_at_k(torch.tensor([[0, 1, 2]]), relevant).item() == pytest.approx(1.0)
    worse = (1 / math.log2(3) + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(torch.tensor([[2, 0, 1]]), relevant).item() == pytest.approx(worse)


def test_evaluate_ranking_averages_users_with_held_out_items():
    result = evaluate_ranking(lambda users: SCORES[users], RELEVANT, EXCLUDE, 2)
    assert result["recall@2"] == pytest.approx(0.75)
    assert result["ndcg@2"] == pytest.approx(((1 / math.log2(3)) / (1 + 1 / math.log2(3)) + 1.0) / 2)


def test_evaluate_ranking_without_held_out_items_is_nan():
    result = evaluate_ranking(lambda users: SCORES[users], torch.zeros_like(RELEVANT), EXCLUDE, 2)
    assert math.isnan(result["recall@2"]) and math.isnan(result["ndcg@2"])
