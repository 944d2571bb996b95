"""Per-model hyper-parameters from ``train/configs/<model>.toml``, overridable by TrainConfig.

Models differ in what trains them well (an id-only MF wants a higher learning rate and an
L2 penalty that would slow MGNN's encoders down), so each model's values live in its own
file rather than as one global setting that suits none of them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from train.config import TrainConfig

CONFIG_DIR = Path(__file__).resolve().parent / "configs"


class ModelConfigError(ValueError):
    """A model's TOML file is missing, unreadable, or names keys or types it should not."""


@dataclass(frozen=True)
class ModelHyperParams:
    lr: float = 0.002  # Adam learning rate (the paper's value when a file leaves it out)
    weight_decay: float = 0.0  # Adam L2 penalty


def load_model_params(name: str, config_dir: Path | None = None) -> ModelHyperParams:
    """Read ``<config_dir>/<name>.toml``; keys it leaves out keep ModelHyperParams' defaults."""
    path = (config_dir or CONFIG_DIR) / f"{name}.toml"
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelConfigError(f"{path}: no config file for model {name!r}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ModelConfigError(f"{path}: not valid TOML: {exc}") from None
    known = {f.name for f in fields(ModelHyperParams)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ModelConfigError(f"{path}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(known))}")
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ModelConfigError(f"{path}: {key} must be a non-negative number, got {value!r}")
    return ModelHyperParams(**{key: float(value) for key, value in values.items()})


def resolve_model_params(name: str, config: TrainConfig) -> ModelHyperParams:
    """The file's values, with every TrainConfig field that is not None taking precedence."""
    params = load_model_params(name, config.config_dir)
    overrides = {f.name: getattr(config, f.name) for f in fields(ModelHyperParams)
                 if getattr(config, f.name) is not None}
    return replace(params, **overrides)
