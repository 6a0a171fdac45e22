"""Attention layers (`keras/src/layers/attention`)."""
