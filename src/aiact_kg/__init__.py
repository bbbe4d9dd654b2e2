"""A legal knowledge graph of Regulation (EU) 2024/1689, the EU Artificial Intelligence Act."""

__version__ = "0.1.0"
