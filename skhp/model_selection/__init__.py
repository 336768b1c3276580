"""Searches and cross-validation splitters."""

__all__ = []
