"""Run every benchmark in one process and print a Markdown report for the README."""

from __future__ import annotations

from . import (
    applications,
    cold_start,
    coordinator_sim,
    custom_layers,
    gpt3,
    grading,
    hub,
    levels,
    lite,
    page_weight,
    parallel,
    variants,
)

print("## Reference counter vs Keras vs json.loads (keras.applications configs)\n")
print(applications.report(applications.run()))
print("\n## Cold start\n")
print(cold_start.report(cold_start.run()))
print("\n## A model too large to build\n")
print(gpt3.report(gpt3.run()))
print("\n## keras-hub models from their config\n")
print(hub.report(hub.run()))
print("\n## A custom layer: --custom-objects against building the whole model\n")
print(custom_layers.report(custom_layers.run()))
print("\n## Grading overhead\n")
grading.main()
print("\n## The sandbox's cost at each level\n")
print(levels.table(levels.run()))
print("\n## A class graded in parallel on Dask\n")
parallel.main([])
print("\n## The coordinator alone, with simulated workers\n")
coordinator_sim.main([])
print("\n## Per-learner variants\n")
variants.main()
print("\n## The exercises in the browser\n")
print(lite.report(lite.run()))
print("\n## The book's pages: weight on a first visit, width at 390 px\n")
print(page_weight.report(page_weight.run()))
