"""Rnn layers (`keras/src/layers/rnn`)."""
