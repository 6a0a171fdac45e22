"""Benchmarks: each measures the project side by side with the obvious alternative, in one run,
and reports a ratio. Run them all with ``make bench`` (``python -m benchmarks``)."""
