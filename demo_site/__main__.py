"""``python -m demo_site``: generate the demo site (if needed) and serve it until Ctrl-C."""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from demo_site import SiteConfig, generate_site, serve_site
from mmkg.settings import Settings

FULL_SIZE = 9742  # the movies of ml-latest-small


def main(argv: list[str] | None = None) -> None:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(
        prog="python -m demo_site",
        description="Generate the embedded movie site from the shared data and serve it on 127.0.0.1.",
    )
    parser.add_argument("--out", type=Path, default=settings.site_dir,
                        help=f"folder the site is written to (default: {settings.site_dir})")
    parser.add_argument("--data-dir", type=Path, default=settings.data_dir,
                        help="the shared data folder with movies/ and media/ (default: MMKG_DATA or ../shared/data)")
    parser.add_argument("--n-movies", type=int, default=200,
                        help="number of movies on the site: Wikipedia films first, then the most rated (default: 200)")
    parser.add_argument("--full", action="store_true",
                        help="every movie of ml-latest-small (9,742 films, over 13,000 film pages)")
    parser.add_argument("--no-media", action="store_true", help="leave out posters and trailers (a crawl-only site)")
    parser.add_argument("--seed", type=int, default=7, help="seed for posters, sounds and faults (default: 7)")
    parser.add_argument("--no-faults", action="store_true",
                        help="leave out the 404/500 links, redirects, duplicate URLs, malformed JSON-LD and truncated trailer")
    parser.add_argument("--trailer-seconds", type=float, default=3.0, help="length of each trailer (default: 3.0)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: 0, any free port)")
    parser.add_argument("--generate-only", action="store_true", help="write the site and exit without serving")
    args = parser.parse_args(argv)  # fmt: skip

    config = SiteConfig(
        data_dir=args.data_dir,
        out_dir=args.out,
        n_movies=FULL_SIZE if args.full else args.n_movies,
        seed=args.seed,
        faults=not args.no_faults,
        trailer_seconds=args.trailer_seconds,
        media=not args.no_media,
    )
    manifest = generate_site(config)
    print(f"site: {len(manifest.movies)} movies on {len(manifest.film_pages)} film pages, {len(manifest.articles)} "
          f"current-skin articles, {len(manifest.faults)} faults in {args.out}", flush=True)  # fmt: skip
    if args.generate_only:
        return
    with serve_site(args.out, port=args.port) as server:
        print(f"serving at {server.base_url}/ (Ctrl-C to stop)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
