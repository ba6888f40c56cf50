"""Datasets and models by name or path."""
