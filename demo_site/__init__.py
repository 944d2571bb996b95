"""The embedded default movie site: generated from the shared data, served on 127.0.0.1."""

from demo_site.config import SiteConfig, SiteManifest
from demo_site.generate import generate_site
from demo_site.server import SiteServer, serve_site

__all__ = ["SiteConfig", "SiteManifest", "SiteServer", "generate_site", "serve_site"]
