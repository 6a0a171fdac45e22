"""Pooling layers (`keras/src/layers/pooling`)."""
