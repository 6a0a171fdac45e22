"""Imports every family module so that its rules are registered.

One module per Keras layer family, mirroring ``keras/src/layers``.
"""

from . import core, models  # noqa: F401
