"""The spaCy pipeline of the extract stage, built from ``extract/extract.cfg``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import spacy
from spacy.language import Language

from extract import co_words as _co_words  # noqa: F401 - registers the tokenizer
from extract import known_names as _known_names  # noqa: F401 - registers the factory
from extract import relation_rules as _relation_rules  # noqa: F401 - registers the factories
KNOWN_NAMES_PIPE = "mmkg_known_names"  # the component names in extract.cfg
RULES_PIPE = "mmkg_relation_rules"

PIPELINE_CONFIG = Path(__file__).with_name("extract.cfg")
CUSTOM_PREFIX = "mmkg_"


def load_pipeline(model: str | None = None, config_path: Path = PIPELINE_CONFIG,
                  overrides: Mapping[str, object] | None = None) -> Language:
    """The configured pipeline; ``model`` overrides the packaged model the components come from,
    ``overrides`` other settings of extract.cfg by their dotted path, as ``spacy`` commands take them."""
    settings = {**({"paths.model": model} if model else {}), **(overrides or {})}
    config = spacy.util.load_config(config_path, overrides=settings, interpolate=True)
    return spacy.util.load_model_from_config(config, auto_fill=True)


def pipeline_fingerprint(config_path: Path = PIPELINE_CONFIG) -> str:
    """Model, tokenizer and the versioned factory names of the mmkg components, in pipeline order: with the
    rule families' versions (``rule_families.reader_of``) stored with each document read, so a
    version bump in extract.cfg marks as stale what the old version read and could change."""
    config = spacy.util.load_config(config_path, interpolate=True)
    components = config["components"]
    factories = [components[name]["factory"] for name in config["nlp"]["pipeline"] if name.startswith(CUSTOM_PREFIX)]
    return "+".join([config["paths"]["model"], config["nlp"]["tokenizer"]["@tokenizers"], *factories])


def rule_versions(config_path: Path = PIPELINE_CONFIG) -> dict[str, int]:
    """The versions of the rule families (``extract/rule_families.py``) in extract.cfg."""
    config = spacy.util.load_config(config_path, interpolate=True)
    return dict(config["components"][RULES_PIPE]["rule_versions"])


def custom_components(nlp: Language) -> list[tuple[str, object]]:
    """The cheap rule components, to re-run on already parsed docs."""
    return [(name, proc) for name, proc in nlp.pipeline if name.startswith(CUSTOM_PREFIX)]


def build_nlp(model: str, people: Mapping[str, Iterable[str]], titles: Iterable[str],
              overrides: Mapping[str, object] | None = None) -> Language:
    """The pipeline with ``people`` (entity_id -> spellings) and movie ``titles`` as known names."""
    nlp = load_pipeline(model, overrides=overrides)
    nlp.get_pipe(KNOWN_NAMES_PIPE).set_names(people, titles)
    return nlp
