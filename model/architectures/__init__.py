"""Architectures: each file reads one model family's weights and composes backend operations into a forward pass."""
