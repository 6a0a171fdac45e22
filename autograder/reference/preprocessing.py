"""Preprocessing layers (`keras/src/layers/preprocessing`)."""
