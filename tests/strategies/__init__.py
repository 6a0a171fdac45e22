"""Every Hypothesis strategy of the test suite: random, shape-valid Keras models as plain data.

Models are drawn as data, never as Keras objects, so the strategies import no Keras:
``layers`` draws single layers rank by rank, ``models`` assembles them into Sequential
stacks and Functional graphs (merges, attention, shared layers, frozen layers).
tests/keras/test_properties.py builds them with Keras and compares the counts.
"""

from .layers import LayerSpec, input_shapes, next_layer
from .models import GraphSpec, Node, SequentialSpec, functional_models, sequential_models

__all__ = ["GraphSpec", "LayerSpec", "Node", "SequentialSpec", "functional_models", "input_shapes",
           "next_layer", "sequential_models"]
