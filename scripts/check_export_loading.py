"""Load an export the way its users do: RecBole 1.2.1 (BPR on the benchmark split, CKE on the KG)
and MMRec's own loader (VBPR, FREEDOM), each trained for a few epochs; prints one JSON line per run.

Runs in the loader environment (scripts/install-loader-venv.sh), not in .venv:
    <venv>/bin/python scripts/check_export_loading.py EXPORT_DIR [--mmrec-src MMREC/src] [--epochs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import types
from pathlib import Path

os.environ.setdefault("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")  # RecBole saves its config in checkpoints


def _split_sizes(recbole_dir: Path) -> dict[str, int]:
    return {part: sum(1 for _ in open(recbole_dir / f"mmkg.{part}.inter")) - 1 for part in ("train", "valid", "test")}


def run_recbole(export_dir: Path, model_name: str, epochs: int, work: Path) -> dict:
    from recbole.config import Config
    from recbole.data import create_dataset, data_preparation
    from recbole.utils import get_model, get_trainer, init_seed

    os.chdir(work)  # RecBole writes log/ and log_tensorboard/ under the current folder
    data = work / "recbole-data"
    if not (data / "mmkg").exists():
        shutil.copytree(export_dir / "recbole", data / "mmkg")
    config = Config(model=model_name, dataset="mmkg", config_file_list=[str(data / "mmkg" / "mmkg.yaml")],
                    config_dict={"data_path": str(data), "epochs": epochs, "use_gpu": False, "device": "cpu",
                                 "checkpoint_dir": str(work / "saved"), "show_progress": False,
                                 "topk": [10], "metrics": ["Recall", "NDCG"], "valid_metric": "NDCG@10"})
    init_seed(config["seed"], config["reproducibility"])
    dataset = create_dataset(config)
    train, valid, test = data_preparation(config, dataset)
    model = get_model(config["model"])(config, train._dataset).to(config["device"])
    trainer = get_trainer(config["MODEL_TYPE"], config["model"])(config, model)
    trainer.fit(train, valid, saved=True, show_progress=False)
    result = trainer.evaluate(test, load_best_model=True, show_progress=False)
    expected = _split_sizes(export_dir / "recbole")
    seen = {"train": len(train._dataset), "valid": len(valid._dataset), "test": len(test._dataset)}
    out = {"library": "recbole", "model": model_name, "users": dataset.user_num - 1, "items": dataset.item_num - 1,
           "split_rows": seen, "split_is_the_exports": seen == expected,
           "test": {k: round(float(v), 4) for k, v in result.items()}}
    if hasattr(dataset, "entity_num"):
        out |= {"kg_entities": dataset.entity_num - 1, "kg_relations": dataset.relation_num - 1,
                "kg_triples": len(dataset.kg_feat)}
    return out


def run_mmrec(export_dir: Path, mmrec_src: Path, model_name: str, epochs: int, work: Path) -> dict:
    src = work / "mmrec" / "src"
    if not src.exists():
        shutil.copytree(mmrec_src, src)
        shutil.copytree(export_dir / "mmrec", work / "mmrec" / "data" / "mmkg")
        shutil.copy(export_dir / "mmrec" / "mmkg.yaml", src / "configs" / "dataset" / "mmkg.yaml")
    sys.path.insert(0, str(src))
    os.chdir(src)
    # utils.data_utils only decodes raw images for end-to-end models and needs torchvision, whose
    # CPU build need not match this torch; the feature-file path used here never calls it.
    stub = types.ModuleType("utils.data_utils")
    stub.ImageResize = stub.ImagePad = stub.image_to_tensor = stub.load_decompress_img_from_lmdb_value = None
    sys.modules.setdefault("utils.data_utils", stub)
    from utils.configurator import Config
    from utils.dataloader import EvalDataLoader, TrainDataLoader
    from utils.dataset import RecDataset
    from utils.utils import get_model, get_trainer, init_seed

    config = Config(model_name, "mmkg", {"use_gpu": False, "gpu_id": 0, "epochs": epochs,
                                         "data_path": str(work / "mmrec" / "data") + "/",
                                         "reg_weight": 1e-4, "dropout": 0.8, "seed": 999,
                                         "topk": [10], "valid_metric": "NDCG@10"})
    init_seed(config["seed"])
    dataset = RecDataset(config)
    train_ds, valid_ds, test_ds = dataset.split()
    for part in (dataset, train_ds, valid_ds, test_ds):
        str(part)  # as MMRec's quick_start logs them: this also sets their inter_num
    train = TrainDataLoader(config, train_ds, batch_size=config["train_batch_size"], shuffle=True)
    valid = EvalDataLoader(config, valid_ds, additional_dataset=train_ds, batch_size=config["eval_batch_size"])
    test = EvalDataLoader(config, test_ds, additional_dataset=train_ds, batch_size=config["eval_batch_size"])
    train.pretrain_setup()
    model = get_model(model_name)(config, train).to(config["device"])
    trainer = get_trainer()(config, model, False)
    _, _, test_result = trainer.fit(train, valid_data=valid, test_data=test, saved=False)
    return {"library": "mmrec", "model": model_name, "users": dataset.get_user_num(),
            "items": dataset.get_item_num(), "v_feat_rows": int(model.v_feat.shape[0]),
            "t_feat_rows": int(model.t_feat.shape[0]),
            "test": {k: round(float(v), 4) for k, v in test_result.items() if k in ("recall@10", "ndcg@10")}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export_dir", type=Path)
    parser.add_argument("--mmrec-src", type=Path, help="src/ of an MMRec checkout (github.com/enoche/MMRec)")
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    export_dir = args.export_dir.resolve()
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        runs = [lambda m=m: run_recbole(export_dir, m, args.epochs, Path(tmp)) for m in ("BPR", "CKE")]
        if args.mmrec_src:
            runs += [lambda m=m: run_mmrec(export_dir, args.mmrec_src.resolve(), m, args.epochs, Path(tmp))
                     for m in ("VBPR", "FREEDOM")]
        for run in runs:
            try:
                print(json.dumps(run()), flush=True)
            except Exception as exc:  # report every library's outcome, not only the first failure
                failed += 1
                print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
