"""Activations layers (`keras/src/layers/activations`)."""
