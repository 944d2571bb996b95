"""mmkg: build multi-modal movie knowledge graphs and train MGNN on them."""

__version__ = "0.1.0"
