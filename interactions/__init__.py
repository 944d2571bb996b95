"""interactions: user ratings linked to the movies of a build (the interactions stage)."""

from interactions.stage import InteractionsConfig, InteractionsSummary, load_interactions

__all__ = ["InteractionsConfig", "InteractionsSummary", "load_interactions"]
