"""Per-model hyper-parameters from ``train/configs/<model>.toml``, overridable by TrainConfig.

Models differ in what trains them well (an id-only MF wants a higher learning rate and an
L2 penalty that would slow MGNN's encoders down), so each model's values live in its own
file rather than as one global setting that suits none of them. Besides the optimiser keys
(``lr``, ``weight_decay``) a file may set any option its model class declares in
``OPTIONS``; the value must have the declared default's type.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from train.config import TrainConfig
from train.models import model_class

CONFIG_DIR = Path(__file__).resolve().parent / "configs"
OPTIMISER_KEYS = ("lr", "weight_decay")
# TrainConfig fields that, when not None, override the model option of the same name.
SHARED_OPTION_OVERRIDES = ("hops", "ripple_size")


class ModelConfigError(ValueError):
    """A model's TOML file is missing, unreadable, or names keys or types it should not."""


@dataclass(frozen=True)
class ModelHyperParams:
    lr: float = 0.002  # Adam learning rate (the paper's value when a file leaves it out)
    weight_decay: float = 0.0  # Adam L2 penalty
    options: dict[str, Any] = field(default_factory=dict)  # the model's OPTIONS, file values applied


def _check_type(path: Path, key: str, value: Any, default: Any) -> Any:
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif isinstance(default, list):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise ModelConfigError(f"{path}: {key} must be of type {type(default).__name__} like its default "
                               f"{default!r}, got {value!r}")
    return value


def _validated(name: str, path: Path, values: dict[str, Any]) -> ModelHyperParams:
    cls = model_class(name)
    known = set(OPTIMISER_KEYS) | set(cls.OPTIONS)
    unknown = sorted(set(values) - known)
    if unknown:
        raise ModelConfigError(f"{path}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(known))}")
    optimiser = {}
    for key in OPTIMISER_KEYS:
        if key in values:
            value = values[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ModelConfigError(f"{path}: {key} must be a non-negative number, got {value!r}")
            optimiser[key] = float(value)
    options = {key: list(v) if isinstance(v, list) else v for key, v in cls.OPTIONS.items()}
    for key, value in values.items():
        if key in cls.OPTIONS:
            options[key] = _check_type(path, key, value, cls.OPTIONS[key])
    reason = cls.validate_options(options)
    if reason:
        raise ModelConfigError(f"{path}: {reason}")
    return ModelHyperParams(**optimiser, options=options)


def load_model_params(name: str, config_dir: Path | None = None) -> ModelHyperParams:
    """Read ``<config_dir>/<name>.toml``; keys it leaves out keep their defaults."""
    path = (config_dir or CONFIG_DIR) / f"{name}.toml"
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelConfigError(f"{path}: no config file for model {name!r}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ModelConfigError(f"{path}: not valid TOML: {exc}") from None
    return _validated(name, path, values)


def with_options(name: str, params: ModelHyperParams, **changes: Any) -> ModelHyperParams:
    """``params`` with some options changed (the comparison's controls), validated like a file."""
    values = {"lr": params.lr, "weight_decay": params.weight_decay, **params.options, **changes}
    return _validated(name, Path(f"<{name} options>"), values)


def resolve_model_params(name: str, config: TrainConfig) -> ModelHyperParams:
    """The file's values, with every TrainConfig field that is not None taking precedence."""
    params = load_model_params(name, config.config_dir)
    overrides = {f.name: getattr(config, f.name) for f in fields(ModelHyperParams)
                 if f.name in OPTIMISER_KEYS and getattr(config, f.name) is not None}
    params = replace(params, **overrides)
    shared = {key: getattr(config, key) for key in SHARED_OPTION_OVERRIDES
              if getattr(config, key) is not None and key in params.options}
    return with_options(name, params, **shared) if shared else params
