"""Merging layers (`keras/src/layers/merging`)."""
