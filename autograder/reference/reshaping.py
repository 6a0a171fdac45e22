"""Reshaping layers (`keras/src/layers/reshaping`)."""
