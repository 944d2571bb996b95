"""kg_build: the multi-modal knowledge graph of a build, as N-Triples rows in the warehouse."""

from kg_build.build import build_triples
from kg_build.config import KGConfig, KGSummary
from kg_build.ntriples import load_graph, write_ntriples

__all__ = ["KGConfig", "KGSummary", "build_triples", "load_graph", "write_ntriples"]
