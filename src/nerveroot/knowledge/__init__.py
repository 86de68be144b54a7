"""The evidence-backed knowledge base: validated data files and their loader."""

from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import load_knowledge

__all__ = ["KnowledgeBase", "load_knowledge"]
