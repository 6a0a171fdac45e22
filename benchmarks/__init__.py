"""Benchmarks: each measures the project side by side with the obvious alternative, in one run,
and reports a ratio. Run them all with ``make bench`` (``python -m benchmarks``)."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
