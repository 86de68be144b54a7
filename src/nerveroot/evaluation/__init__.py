"""Evaluation of nerveroot against golden cases kept as data in the repository."""
