"""Finish a crawled build without media: extract -> interactions -> kg_build -> export, in order,
on the build's warehouse, and print the export directory.

Why: the full-size site (``python -m demo_site --full --no-media``, all 9,742 ml-latest-small
movies) has no posters or trailers, and ``mmkg build`` always runs the media stage, which
fails when no asset of a kind can be fetched. Training-scale checks (hyper-parameters on the
full interactions, the full-size comparison) need only the ratings split, the KG and the text.

    MMKG_HOME=H mmkg build --start-url URL ...   # crawls; stops at media on a --no-media site
    MMKG_HOME=H python scripts/interactions_only_export.py [--build-id B]   # the latest build by default
"""

from __future__ import annotations

import argparse

from export import ExportConfig, export_build
from extract import ExtractConfig, extract_entities
from interactions import InteractionsConfig, load_interactions
from kg_build import KGConfig, build_triples
from mmkg.settings import Settings
from warehouse import Warehouse
from warehouse.builds import run_stage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-id", help="a build whose crawl stage ran (default: the latest build)")
    args = parser.parse_args()
    settings = Settings.from_env()
    warehouse = Warehouse.from_settings(settings)
    with warehouse.connect() as con:
        build_id = args.build_id or con.execute("SELECT build_id FROM builds ORDER BY started_at DESC LIMIT 1").fetchone()[0]
    ratings = settings.movies_dir / "ml-latest-small" / "ratings.csv"
    run_stage(warehouse, build_id, "extract", extract_entities, ExtractConfig(), warehouse, build_id)
    run_stage(warehouse, build_id, "interactions", load_interactions, InteractionsConfig(ratings_csv=ratings),
              warehouse, build_id)
    run_stage(warehouse, build_id, "kg_build", build_triples, KGConfig(), warehouse, build_id)
    summary = run_stage(warehouse, build_id, "export", export_build, ExportConfig(exports_dir=settings.exports_dir),
                        warehouse, build_id)
    print(summary.export_dir)


if __name__ == "__main__":
    main()
