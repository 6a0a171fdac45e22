"""Convolutional layers (`keras/src/layers/convolutional`)."""
