"""The ``mmkg`` command: the whole build, or one stage at a time."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mmkg.settings import Settings

if TYPE_CHECKING:
    from flows.api_server import BuildApiServer
    from flows.options import BuildOptions

STAGES = ("crawl", "extract", "media", "interactions", "kg", "export", "train")


# Commands that never touch train/: their parser is built without importing it (torch).
LIGHT_COMMANDS = ("build", "site", "report", "serve", "extract-quality", *(s for s in STAGES if s != "train"))


def main(argv: list[str] | None = None) -> int:
    settings = Settings.from_env()
    settings.apply_environment()
    argv = sys.argv[1:] if argv is None else argv
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    args = _parser(with_train=command not in LIGHT_COMMANDS).parse_args(argv)
    return args.handler(args, settings)


def _parser(with_train: bool = True) -> argparse.ArgumentParser:
    from flows.options import KG_STYLES, BuildOptions

    parser = argparse.ArgumentParser(
        prog="mmkg",
        description="Build multi-modal movie knowledge graphs and train MGNN on them. "
        "Files go under $MMKG_HOME (default .mmkg/); data is read from $MMKG_DATA (default ../shared/data).",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="run the build-mmkg flow: every stage, one versioned build")
    for name, field in BuildOptions.model_fields.items():
        flag = "--" + name.replace("_", "-")
        if field.annotation is bool:
            build.add_argument(flag, action=argparse.BooleanOptionalAction, default=field.default,
                               help=f"{field.description} (default: {field.default})")
        elif name == "kg_style":
            build.add_argument(flag, choices=list(KG_STYLES), default=field.default,
                               help=f"{field.description} (default: %(default)s)")
        elif field.annotation == list[str]:
            build.add_argument(flag, nargs="*", default=field.default, help=f"{field.description} (default: %(default)s)")
        else:
            kind = {int: int, float: float}.get(field.annotation, str)
            build.add_argument(flag, type=kind, default=field.default, help=f"{field.description} (default: %(default)s)")
    build.set_defaults(handler=_build)

    site = commands.add_parser("site", help="generate the embedded default site and serve it on 127.0.0.1 until Ctrl-C")
    site.add_argument("--n-movies", type=int, default=200, help="movies on the site (default: %(default)s)")
    site.add_argument("--seed", type=int, default=7, help="generation seed (default: %(default)s)")
    site.set_defaults(handler=_site)

    for stage in STAGES:
        sub = commands.add_parser(stage, help=f"run only the {stage} stage against the warehouse")
        sub.add_argument("--build-id", default="manual", help="build id to tag rows with (default: %(default)s)")
        if stage == "crawl":
            sub.add_argument("--start-url", required=True,
                             help="any page of the site to crawl, e.g. http://127.0.0.1:8000/films/ (link rules: "
                                  "crawl/site_rules.toml, plus your own file named by MMKG_SITE_RULES)")
        if stage == "train" and with_train:
            sub.add_argument("--export-dir", type=Path, required=True, help="export directory of a build")
            sub.add_argument("--epochs", type=int, default=10, help="most training epochs per model (default: %(default)s)")
            sub.add_argument("--hidden", type=int, default=128, help="hidden size (default: %(default)s)")
            from train.commands import add_train_arguments
            add_train_arguments(sub)
            from train.commands import add_ddp_argument
            add_ddp_argument(sub)
        sub.set_defaults(handler=_stage, stage=stage)

    quality = commands.add_parser(
        "extract-quality",
        help="blind precision / recall / F1 of text relations vs the Wikipedia infoboxes (dev/test, two settings, baselines)",
    )
    quality.add_argument("--limit", type=int, help="score only the first N films (default: all)")
    quality.add_argument("--calibrate", action="store_true",
                         help="first re-measure each rule's precision on the dev half and the tuning set (extract/rule_confidence.json)")
    quality.set_defaults(handler=_extract_quality)

    report = commands.add_parser("report", help="print the summary of a build")
    report.add_argument("--build-id", help="build to report (default: the latest succeeded build)")
    report.set_defaults(handler=_report)

    frontier = commands.add_parser(
        "crawl-frontier", help="crawl with worker processes sharing a Redis frontier, on this machine and others")
    frontier.add_argument("--start-url", required=True, help="any page of the site to crawl")
    frontier.add_argument("--redis-url", required=True, help="the Redis every worker reaches, e.g. redis://10.0.0.5:6379/0")
    frontier.add_argument("--name", default="default", help="frontier name, the same on every machine (default: %(default)s)")
    frontier.add_argument("--workers", type=int, default=2, help="worker processes on this machine (default: %(default)s)")
    frontier.add_argument("--expect-workers", type=int,
                          help="start crawling once this many workers, all machines together, joined (default: --workers)")
    frontier.add_argument("--lease-s", type=float, default=30.0,
                          help="a worker silent this long is dead and its pages go back to the queue (default: %(default)s)")
    frontier.add_argument("--join", type=Path, metavar="DIR",
                          help="only add workers to the crawl a coordinator runs elsewhere; their feeds go to DIR, the "
                               "coordinator's frontier folder (<MMKG_HOME>/work/crawl/frontier-<name>, shared)")
    frontier.add_argument("--blobs", type=Path, help="with --join: the warehouse's blob folder, shared (default: this machine's)")
    frontier.add_argument("--build-id", default="manual", help="build id to tag rows with (default: %(default)s)")
    frontier.set_defaults(handler=_crawl_frontier)

    serve = commands.add_parser("serve", help="serve the build-mmkg deployment with its nightly schedule")
    serve.add_argument("--cron", default="0 3 * * *", help="schedule (default: %(default)s)")
    serve.set_defaults(handler=_serve)

    if with_train:
        from train.commands import add_compare_parser, add_recommend_parser
        add_compare_parser(commands)
        add_recommend_parser(commands)
    return parser


def _build(args: argparse.Namespace, settings: Settings) -> int:
    """Validate the options before any work, run the flow, print the summary; one line per failure.

    The flow reports to PREFECT_API_URL, else to the server of ``make deploy`` when it is up,
    else to a Prefect API server this command starts first thing, so that it boots while the
    options are validated and the code is imported (flows.api_server).
    """
    import atexit

    from pydantic import ValidationError

    from flows.api_server import BuildApiServer, ServerStartError, deployed_api_url
    from flows.options import BuildOptions, options_error

    server = None
    if not os.environ.get("PREFECT_API_URL") and (deployed := deployed_api_url(settings.run_dir)):
        os.environ["PREFECT_API_URL"] = deployed
        print(f"mmkg build: running on the Prefect server of `make deploy` ({deployed})", file=sys.stderr)
    if not os.environ.get("PREFECT_API_URL"):
        server = BuildApiServer().start(Path(os.environ["PREFECT_HOME"]) / "build-server.log")
        # Stopped at exit, after Prefect's log and event workers have sent what they hold
        # (they drain when the interpreter's threads shut down, before atexit handlers run).
        atexit.register(server.stop)
    try:
        options = BuildOptions(**{k: getattr(args, k) for k in BuildOptions.model_fields})
    except ValidationError as exc:
        if server is not None:
            server.stop()
        print(f"mmkg build: {options_error(exc)}", file=sys.stderr)
        return 2
    if server is not None:
        os.environ["PREFECT_API_URL"] = server.api_url  # read when prefect is imported, just below
    try:
        return _run_build(options, settings, server)
    except ServerStartError as exc:
        print(f"mmkg build: {exc} (PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS); raise it, or start a"
              " server with `make deploy` and set PREFECT_API_URL", file=sys.stderr)
        return 1


def _run_build(options: BuildOptions, settings: Settings, server: BuildApiServer | None) -> int:
    from flows.build_mmkg import build_mmkg
    from flows.gates import QualityGateFailed
    from mmkg.report import build_report, format_report
    from warehouse import Warehouse
    from warehouse.builds import latest_build

    if server is not None:
        server.wait_ready(float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
    try:
        result = build_mmkg(options)
    except QualityGateFailed as exc:
        warehouse = Warehouse.from_settings(settings)
        print(format_report(build_report(warehouse, exc.build_id), str(settings.warehouse_path)), flush=True)
        current = (latest_build(warehouse) or {}).get("build_id", "none")
        print(f"mmkg build: {exc} (current build stays {current})", file=sys.stderr)
        return 1
    report = build_report(Warehouse.from_settings(settings), result["build_id"])
    print(format_report(report, str(settings.warehouse_path)), flush=True)
    return 0


def _site(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from demo_site import SiteConfig, generate_site, serve_site

    generate_site(SiteConfig(data_dir=settings.data_dir, out_dir=settings.site_dir,
                             n_movies=args.n_movies, seed=args.seed))
    with serve_site(settings.site_dir) as server:
        print(f"serving {settings.site_dir} at {server.base_url}/ (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


def _stage(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import replace

    from flows.options import BuildOptions
    from flows.stage_configs import stage_configs
    from warehouse import Warehouse

    if getattr(args, "ddp", None) is not None:
        from train.commands import run_train_ddp
        return run_train_ddp(args, settings)
    warehouse = Warehouse.from_settings(settings)
    configs = stage_configs(BuildOptions(), settings)
    if args.stage == "crawl":
        from crawl import crawl_movie_site
        result = crawl_movie_site(configs.crawl(args.start_url), warehouse, args.build_id)
    elif args.stage == "extract":
        from extract import extract_entities
        result = extract_entities(configs.extract, warehouse, args.build_id)
    elif args.stage == "media":
        from media import fetch_media
        result = fetch_media(configs.media, warehouse, args.build_id)
    elif args.stage == "interactions":
        from interactions import load_interactions
        result = load_interactions(configs.interactions, warehouse, args.build_id)
    elif args.stage == "kg":
        from kg_build import build_triples
        result = build_triples(configs.kg, warehouse, args.build_id)
    elif args.stage == "export":
        from export import export_build
        result = export_build(configs.export, warehouse, args.build_id)
    else:
        from train import train_models
        from train.commands import train_config
        train = train_config(configs.train, args, checkpoint_dir=settings.home / "checkpoints" / args.build_id)
        result = train_models(train, args.export_dir, warehouse, args.build_id)
    print(json.dumps(_plain(result), indent=2, default=str))
    return 0


def _extract_quality(args: argparse.Namespace, settings: Settings) -> int:
    from extract.calibrate import calibrate, read_calibration, threshold_table
    from extract.config import ExtractConfig
    from extract.evaluate import evaluate, format_table, load_films, parse_films
    from extract.nlp import load_pipeline

    films_dir = settings.movies_dir / "wikipedia-films"
    if args.calibrate:
        calibrate(films_dir)
        print("rule confidences measured on the dev half and the tuning set and written to extract/rule_confidence.json")
    min_confidence = ExtractConfig().min_confidence
    nlp = load_pipeline()
    from extract.webnlg import load_sample
    from extract.docred import load_sample as load_tuning_sample
    parsed = parse_films(nlp, load_films(films_dir)[:args.limit] + load_tuning_sample() + load_sample())
    evaluation = evaluate(nlp, parsed, min_confidence)
    print(f"blind scoring of text relations vs infoboxes (Wikipedia: lead + plot + Cast section) and vs "
          f"WebNLG triples and Re-DocRED relations, {sum(evaluation.films.values())} films; gold names only score; "
          f"min_confidence {min_confidence}")
    print(format_table(evaluation))
    print("\ncalibration (dev half + tuning set, both settings)\n| rule | fired | correct | confidence |\n|---|---|---|---|")
    for rule, row in read_calibration().items():
        print(f"| {rule} | {row['fired']} | {row['correct']} | {row['confidence']:.3f} |")
    everything = evaluate(nlp, [p for p in parsed if p.split == "test"], 0.0, settings=("none",))
    print("\nthresholds (test half, no names known)\n| min_confidence | kept | correct | precision |\n|---|---|---|---|")
    for row in threshold_table(everything):
        print(f"| {row['min_confidence']} | {row['kept']} | {row['correct']} | {row['precision']:.3f} |")
    from extract.resolution_quality import format_scores, measure
    print(format_scores(measure()))
    return 0


def _report(args: argparse.Namespace, settings: Settings) -> int:
    from warehouse import Warehouse
    from warehouse.builds import latest_build
    from mmkg.report import UnknownBuild, build_report, format_report

    warehouse = Warehouse.from_settings(settings)
    build_id = args.build_id or (latest_build(warehouse) or {}).get("build_id")
    if not build_id:
        print("no succeeded build yet: run `mmkg build`", file=sys.stderr)
        return 1
    try:
        print(format_report(build_report(warehouse, build_id), str(settings.warehouse_path)))
    except UnknownBuild as exc:
        print(f"mmkg report: {exc}", file=sys.stderr)
        return 1
    return 0


def _crawl_frontier(args: argparse.Namespace, settings: Settings) -> int:
    """Coordinate a frontier crawl and load it here, or (``--join``) only add this machine's workers."""
    from dataclasses import replace

    from flows.options import BuildOptions
    from flows.stage_configs import stage_configs
    from warehouse import Warehouse

    try:
        config = replace(stage_configs(BuildOptions(), settings).crawl(args.start_url, settings, BuildOptions()),
                         frontier=args.redis_url, frontier_workers=args.workers, frontier_name=args.name,
                         frontier_quorum=args.expect_workers, frontier_lease_s=args.lease_s)
        if args.join:
            from crawl.frontier_crawl import join_frontier
            blobs = args.blobs or Warehouse.from_settings(settings).blobs.root
            codes = join_frontier(config, args.name, args.join, blobs)
            print(json.dumps({"frontier": args.name, "workers": codes}, indent=2))
            return 0 if any(code == 0 for code in codes.values()) else 1
        from crawl import crawl_movie_site
        result = crawl_movie_site(config, Warehouse.from_settings(settings), args.build_id)
    except ValueError as exc:
        print(f"mmkg crawl-frontier: {exc}", file=sys.stderr)
        return 2
    except ConnectionError as exc:
        print(f"mmkg crawl-frontier: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(_plain(result), indent=2, default=str))
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from flows.build_mmkg import build_mmkg

    build_mmkg.serve(name="build-mmkg", cron=args.cron, pause_on_shutdown=False)
    return 0


def _plain(value: Any) -> Any:
    return asdict(value) if is_dataclass(value) else value


if __name__ == "__main__":
    sys.exit(main())
