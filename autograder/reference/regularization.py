"""Regularization layers (`keras/src/layers/regularization`)."""
