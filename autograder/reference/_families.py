"""Imports every family module so that its rules are registered.

One module per Keras layer family, mirroring ``keras/src/layers``; ``models``
mirrors ``keras/src/models`` and ``applications`` holds the custom layers that
``keras.applications`` defines for itself.
"""

from . import (  # noqa: F401
    activations,
    applications,
    attention,
    convolutional,
    core,
    merging,
    models,
    normalization,
    pooling,
    preprocessing,
    regularization,
    reshaping,
    rnn,
)
