"""``mmkg compare``: every model and every control on one export, several seeds, one table.

Rows: each model of the registry; MGNN with the KG's tails shuffled within each relation and
with the KG removed; MGNN without each modality and with each modality's features shuffled
across items; and the serving cascade (retrieval -> rough -> fine -> rearrangement) of MGNN with
the rearrangement off and on. Every row is trained on the same export split with the same
seeds; a row's figure is the mean ± sample std over seeds of its test recall@k / ndcg@k, and
the p-value of a paired t-test (over test users, per-user ndcg@k averaged over seeds) against
MGNN says whether the difference is more than seed and user noise. The paper's Tables 2 and 3
are printed beside, labelled: they were measured on the paper's own MMD data set.
Runs of one export and settings made as separate processes (seeds or model groups side by side)
are joined into one table by ``merge_files`` (``mmkg compare --merge``). A run with changed
options (``--config-dir``, ``--lr``) carries a ``--label`` that is put into each of its row names
("mgnn [lr 0.0005]"), so its rows sit beside the default rows of a merged table, with a p-value
against the default MGNN, instead of conflicting with them.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
from scipy import stats

from train.config import TrainConfig
from train.controls import remove_kg, shuffle_kg, shuffle_modality
from train.data import ExportData
from train.fit import fit_model
from train.hyperparams import resolve_model_params, with_options
from train.loop import resolve_device
from train.models import MODEL_NAMES
from train.pipeline import PipelineConfig, evaluate_pipeline
from train.threads import torch_threads

REFERENCE = "mgnn"
# Table 2 and Table 3 of the paper (recall@10, ndcg@10 on its MMD data set): for reference only.
PAPER_FIGURES = {"nfm": (0.3321, 0.4174), "ripplenet": (0.3618, 0.4232), "mmgcn": (0.3766, 0.4823),
                 "mgnn": (0.3901, 0.5052), "tgnn": (0.3507, 0.4178)}


@dataclass(frozen=True)
class Run:
    """One row: a model, optionally on changed data or with changed options."""

    row: str
    model: str
    transform: Callable[[ExportData, int], ExportData] | None = None
    options: dict = field(default_factory=dict)
    kind: str = "model"  # model | control


def control_runs(data: ExportData, modalities: list[str]) -> list[Run]:
    """The controls of the reference model (MGNN) for the modalities it uses and some item has: a
    modality no item has is a zero part already, so dropping or shuffling it only changes the
    random initialisation (e.g. the media of an interactions-only build)."""
    runs = [Run("mgnn [KG tails shuffled]", REFERENCE, shuffle_kg, kind="control"),
            Run("mgnn [KG removed]", REFERENCE, lambda d, seed: remove_kg(d), kind="control")]
    present = [m for m in modalities if bool(data.masks[m].any())]
    for m in present:
        runs.append(Run(f"mgnn [-{m}]", REFERENCE, options={"modalities": [x for x in modalities if x != m]},
                        kind="control"))
    for m in present:
        runs.append(Run(f"mgnn [{m} shuffled]", REFERENCE,
                        lambda d, seed, m=m: shuffle_modality(d, m, seed), kind="control"))
    return runs


def labelled(row: str, label: str | None) -> str:
    """The row name in a run with ``label``: "mgnn" -> "mgnn [lr 0.0005]", "mgnn [KG removed]" ->
    "mgnn [lr 0.0005; KG removed]"."""
    if not label:
        return row
    if "[" not in row:
        return f"{row} [{label}]"
    return f"{row[:row.index('[') + 1]}{label}; {row[row.index('[') + 1:]}"


def check_label(label: str | None) -> None:
    """A label must read as one bracketed part of a row name."""
    if label is not None and (not label.strip() or any(c in label for c in "[];") or len(label) > 40):
        raise ValueError(f"--label {label!r}: give 1-40 characters without '[', ']' or ';' (e.g. 'lr 0.0005')")


def control_key(row: str) -> str:
    """The ``--controls`` key of a control row: "mgnn [KG removed]" -> "kg-removed", "mgnn [-text]" ->
    "no-text" (a leading "-" would read as a flag on the command line)."""
    label = row[row.index("[") + 1 : row.rindex("]")].lower().replace(" ", "-")
    return "no" + label if label.startswith("-") else label


def select_controls(runs: list[Run], keys: tuple[str, ...]) -> list[Run]:
    """The control runs named by ``keys`` (see control_key); an unknown key is an error."""
    known = {control_key(run.row): run for run in runs}
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise ValueError(f"unknown control(s) {unknown}; this export has: {', '.join(known)}")
    return [known[key] for key in keys]


@dataclass
class RowResult:
    row: str
    model: str
    kind: str
    test: dict[str, list[float]] = field(default_factory=dict)  # metric -> one value per seed
    val: dict[str, list[float]] = field(default_factory=dict)
    epochs_run: list[int] = field(default_factory=list)
    best_epoch: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    per_user_ndcg: dict[int, list[float]] = field(default_factory=dict)  # user -> ndcg per seed
    p_value_vs_mgnn: float = math.nan
    extra: dict[str, list[float]] = field(default_factory=dict)  # e.g. shared_attribute_rate
    seeds: list[int] = field(default_factory=list)  # the seed of each per-seed value, in order
    val_curve: list[list[list[float]]] = field(default_factory=list)  # per seed: [epoch, val ndcg@k] per evaluation


def _mean_std(values: list[float]) -> tuple[float, float]:
    array = np.asarray(values, dtype=float)
    return float(array.mean()), float(array.std(ddof=1)) if len(array) > 1 else 0.0


def _paired_p(reference: dict[int, list[float]], other: dict[int, list[float]]) -> float:
    users = sorted(set(reference) & set(other))
    if len(users) < 2:
        return math.nan
    a = np.array([np.mean(reference[u]) for u in users])
    b = np.array([np.mean(other[u]) for u in users])
    if np.allclose(a, b):
        return 1.0
    return float(stats.ttest_rel(a, b).pvalue)


def run_comparison(
    data: ExportData,
    config: TrainConfig,
    seeds: tuple[int, ...],
    models: tuple[str, ...] = MODEL_NAMES,
    controls: bool | tuple[str, ...] = True,
    pipeline: PipelineConfig | None = PipelineConfig(),
    log: Callable[[str], None] = print,
    on_seed_done: Callable[[list[RowResult], int], None] | None = None,
    label: str | None = None,
) -> list[RowResult]:
    """Fit every run for every seed; returns one RowResult per row (models first, then controls:
    all of them, none, or those whose control_key is in ``controls``), each row named with
    ``label`` when one is given. ``on_seed_done(rows, seeds_done)`` sees the rows after each seed
    (to write partial tables)."""
    unknown = [m for m in models if m not in MODEL_NAMES]
    if unknown or not seeds:
        raise ValueError(f"unknown model(s) {unknown}; known: {', '.join(MODEL_NAMES)}" if unknown else "no seeds")
    check_label(label)
    params = {name: resolve_model_params(name, config) for name in set(models) | {REFERENCE}}
    runs = [Run(name, name) for name in models]
    if controls:
        chosen = control_runs(data, params[REFERENCE].options["modalities"])
        runs += chosen if controls is True else select_controls(chosen, tuple(controls))
    runs = [replace(run, row=labelled(run.row, label)) for run in runs]
    device = resolve_device(config.device)
    k = config.top_k
    results = {run.row: RowResult(run.row, run.model, run.kind) for run in runs}
    with torch_threads(config.threads):
        for seed in seeds:
            seeded = replace(config, seed=seed)
            ripples: dict = {}
            for run in runs:
                run_data = run.transform(data, seed) if run.transform else data
                run_params = with_options(run.model, params[run.model], **run.options) if run.options else params[run.model]
                fit = fit_model(run.model, run_data, seeded, run_params, device, None if run.transform else ripples)
                res = results[run.row]
                for split, target in (("test", res.test), ("val", res.val)):
                    for metric, value in fit.metrics[split].items():
                        target.setdefault(metric, []).append(value)
                res.epochs_run.append(fit.epochs_run)
                res.best_epoch.append(fit.best_epoch)
                res.seconds.append(fit.seconds)
                res.seeds.append(seed)
                res.val_curve.append([[epoch, score] for epoch, score in fit.val_curve])
                for user, value in zip(fit.test_per_user["users"].tolist(), fit.test_per_user[f"ndcg@{k}"].tolist()):
                    res.per_user_ndcg.setdefault(user, []).append(value)
                log(f"seed {seed} {run.row:<28} test recall@{k} {fit.metrics['test'][f'recall@{k}']:.4f} "
                    f"ndcg@{k} {fit.metrics['test'][f'ndcg@{k}']:.4f}  epochs {fit.epochs_run} (best {fit.best_epoch}) "
                    f"{fit.seconds:.1f} s")
                if pipeline is not None and run.model == REFERENCE and run.kind == "model":
                    for rearranged in (False, True):
                        name = labelled(f"mgnn cascade, rearrangement {'on' if rearranged else 'off'}", label)
                        cascade_config = replace(pipeline, k=k, rearrange=rearranged)
                        row = results.setdefault(name, RowResult(name, REFERENCE, "pipeline"))
                        row.seeds.append(seed)
                        for metric, value in evaluate_pipeline(fit.model, data, "test", cascade_config).items():
                            (row.test if "@" in metric else row.extra).setdefault(metric, []).append(value)
            _significance(results)
            if on_seed_done is not None:
                on_seed_done(list(results.values()), seeds.index(seed) + 1)
    return list(results.values())


def reference_row(results: list[RowResult]) -> RowResult | None:
    """The row p-values are taken against: the default MGNN ("mgnn"), else the one labelled MGNN
    model row of a labelled run; None when there is neither (or several labelled ones)."""
    plain = [r for r in results if r.row == REFERENCE]
    if plain:
        return plain[0]
    labelled_rows = [r for r in results if r.model == REFERENCE and r.kind == "model"]
    return labelled_rows[0] if len(labelled_rows) == 1 else None


def _significance(results: dict[str, RowResult]) -> None:
    reference = reference_row(list(results.values()))
    for res in results.values():
        if reference is not None and res is not reference and res.per_user_ndcg:
            res.p_value_vs_mgnn = _paired_p(reference.per_user_ndcg, res.per_user_ndcg)


def _cell(values: list[float]) -> str:
    if not values:
        return "–"
    mean, std = _mean_std(values)
    return f"{mean:.4f} ± {std:.4f}"


def format_markdown(results: list[RowResult], k: int, header: str) -> str:
    reference = reference_row(results)
    against = reference.row if reference is not None else REFERENCE
    lines = [header, "", f"| row | kind | seeds | recall@{k} | ndcg@{k} | p (ndcg vs {against}) | epochs (best) | s per fit |",
             "|---|---|---|---|---|---|---|---|"]
    for r in (r for r in results if r.kind != "pipeline"):
        epochs = f"{np.mean(r.epochs_run):.1f} ({np.mean(r.best_epoch):.1f})" if r.epochs_run else "–"
        seconds = f"{np.mean(r.seconds):.1f}" if r.seconds else "–"
        p = "–" if math.isnan(r.p_value_vs_mgnn) else f"{r.p_value_vs_mgnn:.3g}"
        lines.append(f"| {r.row} | {r.kind} | {len(r.seeds)} | {_cell(r.test.get(f'recall@{k}', []))} | "
                     f"{_cell(r.test.get(f'ndcg@{k}', []))} | {p} | {epochs} | {seconds} |")
    cascade = [r for r in results if r.kind == "pipeline"]
    if cascade:
        lines += ["", "| serving cascade of mgnn | seeds | recall@k | ndcg@k | pairs sharing a director |",
                  "|---|---|---|---|---|"]
        for r in cascade:
            lines.append(f"| {r.row} | {len(r.seeds)} | {_cell(r.test.get(f'recall@{k}', []))} | "
                         f"{_cell(r.test.get(f'ndcg@{k}', []))} | {_cell(r.extra.get('shared_attribute_rate', []))} |")
    lines += ["", "From the paper, on its own MMD data set (a different data set; for reference only):", "",
              "| model | recall@10 | ndcg@10 |", "|---|---|---|"]
    lines += [f"| {name} | {r:.4f} | {n:.4f} |" for name, (r, n) in PAPER_FIGURES.items()]
    return "\n".join(lines) + "\n"


def write_results(results: list[RowResult], out_dir: Path, k: int, header: str, meta: dict) -> tuple[Path, Path]:
    """results.md (the table) and results.json (every per-seed value and each test user's ndcg per
    seed: enough to reanalyse, or to merge runs with ``merge_results``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    md = out_dir / "results.md"
    md.write_text(format_markdown(results, k, header), encoding="utf-8")
    rows = []
    for r in results:
        row = asdict(r)
        row["p_value_vs_mgnn"] = None if math.isnan(r.p_value_vs_mgnn) else r.p_value_vs_mgnn
        rows.append(row)
    js = out_dir / "results.json"
    js.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2, default=str), encoding="utf-8")
    return md, js


def compare_export(export_dir: Path, out_dir: Path, config: TrainConfig, seeds: tuple[int, ...],
                   models: tuple[str, ...] = MODEL_NAMES, controls: bool | tuple[str, ...] = True,
                   log: Callable[[str], None] = print, label: str | None = None) -> tuple[Path, Path]:
    """Load the export (under ``config.split``), run the comparison, write its tables."""
    from train import prepare_data

    check_label(label)
    started = time.perf_counter()
    data = prepare_data(config, export_dir)
    for note in data.notes:
        log(f"note: {note}")
    written: list[tuple[Path, Path]] = []

    def write(results: list[RowResult], seeds_done: int) -> None:
        done = list(seeds[:seeds_done])
        meta = {"export_dir": str(export_dir), "seeds": done, "seeds_planned": list(seeds), "epochs": config.epochs,
                "patience": config.patience, "min_epochs": config.min_epochs, "hidden": config.hidden, "batch_size": config.batch_size, "split": config.split,
                "n_users": data.n_users, "n_items": data.n_items,
                "n_test_interactions": int(len(data.splits["test"][0])), "seconds": time.perf_counter() - started,
                "top_k": config.top_k, "notes": list(data.notes), "label": label,
                "config_dir": str(config.config_dir) if config.config_dir else None, "lr": config.lr}
        partial = "" if seeds_done == len(seeds) else f" (partial: {seeds_done} of {len(seeds)} seeds done)"
        header = _header(meta, f"seeds {done}{partial}", config.top_k)
        written[:] = [write_results(results, out_dir, config.top_k, header, meta)]

    run_comparison(data, config, seeds, models, controls, log=log, on_seed_done=write, label=label)
    return written[0]


# Settings that must agree for rows of several results.json files to be one comparison.
# Model options may differ between runs (such runs carry a label, see ``labelled``); they are kept
# per run in a merged file's "runs".
RUN_OPTIONS = ("label", "config_dir", "lr")
MERGE_KEYS = ("export", "epochs", "patience", "min_epochs", "hidden", "batch_size", "split", "n_users", "n_items", "n_test_interactions")


def load_results(path: Path) -> tuple[dict, list[RowResult]]:
    """The meta and rows of a results.json that ``write_results`` wrote (p-values are recomputed
    on merging, so they are not read)."""
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = []
    for raw in payload["rows"]:
        if "seeds" not in raw or "per_user_ndcg" not in raw:
            raise ValueError(f"{path}: row {raw.get('row')!r} has no seeds or per-user ndcg (written by an older "
                             "mmkg compare); rerun it to merge")
        fields = {**raw, "per_user_ndcg": {int(u): v for u, v in raw["per_user_ndcg"].items()},
                  "p_value_vs_mgnn": math.nan}
        rows.append(RowResult(**fields))
    return payload["meta"], rows


def _settings(meta: dict) -> dict:
    return {key: Path(meta["export_dir"]).name if key == "export" else meta.get(key) for key in MERGE_KEYS}


def merge_results(parts: list[tuple[dict, list[RowResult]]], replace_rows: tuple[str, ...] = ()
                  ) -> tuple[dict, list[RowResult]]:
    """One comparison from runs on the same export and settings (e.g. seeds or model groups run as
    separate processes): each row's per-seed values concatenated, p-values against MGNN recomputed
    over the merged per-user ndcg. A row and seed met twice must be the same fit (equal test
    metrics, as deterministic fits are) and are kept once; anything else is an error, never silently
    averaged. A row named in ``replace_rows`` (a model refitted with new defaults) is taken only from
    the last run that has it; the earlier runs' fits of it are left out."""
    if not parts:
        raise ValueError("nothing to merge")
    for name in replace_rows:
        holders = [i for i, (_, rows) in enumerate(parts) if any(r.row == name for r in rows)]
        if not holders:
            raise ValueError(f"row {name!r} to replace is in none of the runs")
        parts = [(meta, [r for r in rows if r.row != name or i == holders[-1]]) for i, (meta, rows) in enumerate(parts)]
    settings = _settings(parts[0][0])
    for meta, _ in parts[1:]:
        other = _settings(meta)
        differing = [key for key in MERGE_KEYS if other[key] != settings[key]]
        if differing:
            raise ValueError("runs differ in " + ", ".join(f"{key} ({settings[key]} vs {other[key]})" for key in differing))
    merged: dict[str, RowResult] = {}
    source: dict[tuple[str, int], dict] = {}  # (row, seed) -> meta of the run the kept fit came from
    for meta, rows in parts:
        for row in rows:
            into = merged.setdefault(row.row, RowResult(row.row, row.model, row.kind))
            if into.model != row.model or into.kind != row.kind:
                raise ValueError(f"row {row.row!r} is {into.model}/{into.kind} in one run and {row.model}/{row.kind} in another")
            for i, seed in enumerate(row.seeds):
                if seed in into.seeds:
                    j = into.seeds.index(seed)
                    if any(into.test[m][j] != values[i] for m, values in row.test.items()):
                        raise ValueError(_conflict(row.row, seed, source[row.row, seed], meta))
                    continue
                source[row.row, seed] = meta
                _append_seed(into, row, i)
    results = list(merged.values())
    _significance(merged)
    meta = {**parts[0][0], "seeds": sorted({s for r in results for s in r.seeds}),
            "seconds": sum(float(meta.get("seconds", 0.0)) for meta, _ in parts),
            "runs": [options for meta, _ in parts for options in _run_options(meta)]}
    for key in (*RUN_OPTIONS, "seeds_planned"):
        meta.pop(key, None)
    return meta, results


def _run_options(meta: dict) -> list[dict]:
    """The options of each run behind a results.json: its own, or those a merge recorded."""
    return meta.get("runs") or [{key: meta.get(key) for key in RUN_OPTIONS}]


def _describe(runs: list[dict]) -> str:
    parts = [", ".join(f"{key} {value}" for key, value in run.items() if value is not None) or "defaults" for run in runs]
    return " + ".join(parts)


def _conflict(row: str, seed: int, first: dict, second: dict) -> str:
    """Why a row and seed met in two runs cannot be merged, and how to keep both fits."""
    a, b = _run_options(first), _run_options(second)
    why = (f"the runs' options differ ({_describe(a)} vs {_describe(b)})" if a != b else
           "both runs record the same options, so the code or a package changed between them")
    return (f"row {row!r}, seed {seed}: two runs give different test metrics; {why}. Rerun the changed one "
            "with --label to keep both rows, or name the row in --replace-rows to keep only the last run's fit")


def _append_seed(into: RowResult, row: RowResult, i: int) -> None:
    """Copy the i-th seed's values of ``row`` onto ``into``."""
    into.seeds.append(row.seeds[i])
    for source, target in ((row.test, into.test), (row.val, into.val), (row.extra, into.extra)):
        for metric, values in source.items():
            target.setdefault(metric, []).append(values[i])
    for source, target in ((row.epochs_run, into.epochs_run), (row.best_epoch, into.best_epoch),
                           (row.seconds, into.seconds), (row.val_curve, into.val_curve)):
        if source:
            target.append(source[i])
    for user, values in row.per_user_ndcg.items():
        into.per_user_ndcg.setdefault(user, []).append(values[i])


def merge_files(paths: list[Path], out_dir: Path, replace_rows: tuple[str, ...] = ()) -> tuple[Path, Path]:
    """``mmkg compare --merge``: several results.json into one results.md / results.json."""
    meta, results = merge_results([load_results(path) for path in paths], replace_rows)
    meta["merged_from"] = [str(path) for path in paths]
    if replace_rows:
        meta["replaced_rows"] = list(replace_rows)
    k = int(meta.get("top_k", 10))
    seeds = f"seeds {meta['seeds']} (merged from {len(paths)} runs; each row's seed count in its column)"
    return write_results(results, out_dir, k, _header(meta, seeds, k), meta)


def _header(meta: dict, seeds: str, k: int) -> str:
    return (f"# Comparison on {Path(meta['export_dir']).name}: {meta['n_users']} users x {meta['n_items']} items, "
            f"{meta['split']} split, {seeds}, up to {meta['epochs']} epochs (patience {meta.get('patience')}, "
            f"at least {meta.get('min_epochs')}), hidden {meta['hidden']}, "
            f"batch {meta['batch_size']}\n\nTest metrics of the best-validation state, mean ± sample std over "
            f"seeds; p: paired t-test over test users of per-user ndcg@{k} (seed-averaged) against the row the "
            f"p column names.")
