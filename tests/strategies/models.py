"""Whole models as data: Sequential stacks and Functional graphs of drawn layers."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from .layers import LayerSpec, Shape, input_shapes, maybe_frozen, next_layer, output_shape, units

__all__ = ["GraphSpec", "Node", "SequentialSpec", "functional_models", "sequential_models"]


@dataclass(frozen=True)
class Node:
    """One layer call in a Functional graph: ``inputs`` index earlier nodes (0.. are the model inputs).

    ``share`` names an earlier node whose layer object is called again (a shared layer);
    ``style`` is how the inputs are passed: "single", "list" (merge layers) or "qv" (attention)."""

    spec: LayerSpec
    inputs: tuple[int, ...]
    style: str = "single"
    share: int | None = None


@dataclass(frozen=True)
class GraphSpec:
    """A Functional model: input shapes, nodes in call order, and the nodes used as outputs."""

    input_shapes: tuple[Shape, ...]
    nodes: tuple[Node, ...]
    outputs: tuple[int, ...]


@dataclass(frozen=True)
class SequentialSpec:
    """A Sequential model: ``keras.Sequential([keras.Input(input_shape, input_dtype), *layers])``."""

    input_shape: Shape
    layers: tuple[LayerSpec, ...]
    input_dtype: str = "float32"


@st.composite
def _embedding_start(draw) -> tuple[Shape, LayerSpec, Shape]:
    """Integer token ids of shape (t,) and an Embedding on them (with LoRA now and then)."""
    t, dim = draw(st.integers(1, 6)), draw(units())
    spec = LayerSpec("Embedding", {"input_dim": draw(st.integers(2, 20)), "output_dim": dim,
                                   "lora_rank": draw(st.sampled_from([None, None, 2]))})
    return (t,), spec, (t, dim)


@st.composite
def sequential_models(draw, max_layers: int = 5) -> SequentialSpec:
    """A Sequential model, every layer valid on the shape it receives."""
    layers, dtype = [], "float32"
    if draw(st.integers(0, 4)) == 0:
        first, embedding, shape = draw(_embedding_start())
        layers, dtype = [embedding], "int32"
    else:
        first = shape = draw(input_shapes())
    for _ in range(draw(st.integers(1, max_layers))):
        spec, shape = draw(next_layer(shape))
        layers.append(draw(maybe_frozen(spec)))
    return SequentialSpec(first, tuple(layers), dtype)


_MERGES = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"]


@st.composite
def functional_models(draw, max_nodes: int = 6) -> GraphSpec:
    """A Functional graph: one or two inputs, branches, merges, attention and shared layers.

    Tensors are numbered inputs first, then one per node; every leaf is an output."""
    first = draw(input_shapes())
    shapes = [first] * draw(st.integers(1, 2))
    nodes = [Node(LayerSpec("Concatenate"), (0, 1), "list")] if len(shapes) == 2 else []
    shapes += [output_shape(n.spec, *[shapes[i] for i in n.inputs]) for n in nodes]
    for _ in range(draw(st.integers(1, max_nodes))):
        kind = draw(st.sampled_from(["layer", "layer", "merge", "attention", "share"]))
        node = draw(_NODE_KINDS[kind](shapes, nodes))
        if node is None or _shape_of(node, shapes, nodes) is None:
            node = draw(_layer_node(shapes, nodes))
        shapes.append(_shape_of(node, shapes, nodes))
        nodes.append(node)
    used = {i for node in nodes for i in node.inputs}
    outputs = tuple(i for i in range(len(shapes)) if i not in used)
    return GraphSpec((first,) * (len(shapes) - len(nodes)), tuple(nodes), outputs)


def _shape_of(node: Node, shapes: list, nodes: list) -> Shape:
    if node.share is not None:  # a shared layer on an input of the same shape: same output
        return shapes[node.share]
    return output_shape(node.spec, *[shapes[i] for i in node.inputs])


@st.composite
def _layer_node(draw, shapes: list, nodes: list) -> Node:
    source = draw(st.integers(0, len(shapes) - 1))
    spec, _ = draw(next_layer(shapes[source]))
    return Node(draw(maybe_frozen(spec)), (source,))


@st.composite
def _merge_node(draw, shapes: list, nodes: list) -> Node | None:
    pairs = [(i, j) for i in range(len(shapes)) for j in range(i + 1, len(shapes))
             if shapes[i][:-1] == shapes[j][:-1]]
    if not pairs:
        return None
    i, j = draw(st.sampled_from(pairs))
    kinds = _MERGES if shapes[i] == shapes[j] else ["Concatenate"]
    if shapes[i] == shapes[j] and len(shapes[i]) <= 2:
        kinds = [*kinds, "Dot"]
    kind = draw(st.sampled_from(kinds))
    return Node(LayerSpec(kind, {"axes": -1} if kind == "Dot" else {}), (i, j), "list")


@st.composite
def _attention_node(draw, shapes: list, nodes: list) -> Node | None:
    sequences = [i for i, s in enumerate(shapes) if len(s) == 2]
    if not sequences:
        return None
    q, v = draw(st.sampled_from(sequences)), draw(st.sampled_from(sequences))
    kind = draw(st.sampled_from(["MultiHeadAttention", "GroupQueryAttention", "Attention",
                                 "AdditiveAttention"]))
    if kind in ("Attention", "AdditiveAttention"):
        v = q if shapes[v][-1] != shapes[q][-1] else v
        use_scale = draw(st.booleans())
        mode = {"score_mode": draw(st.sampled_from(["dot", "concat"]))} if kind == "Attention" else {}
        return Node(LayerSpec(kind, {"use_scale": use_scale, **mode}), (q, v), "list")
    return Node(_attention_spec(draw, kind), (q, v), "qv")


def _attention_spec(draw, kind: str) -> LayerSpec:
    bias = draw(st.booleans())
    if kind == "GroupQueryAttention":
        kv_heads = draw(st.integers(1, 2))
        return LayerSpec(kind, {"head_dim": draw(units()), "num_key_value_heads": kv_heads,
                                "num_query_heads": kv_heads * draw(st.integers(1, 2)),
                                "use_bias": bias})
    return LayerSpec(kind, {"num_heads": draw(st.integers(1, 3)), "key_dim": draw(units()),
                            "value_dim": draw(st.sampled_from([None, 2])), "use_bias": bias,
                            "output_shape": draw(st.sampled_from([None, 3]))})


@st.composite
def _share_node(draw, shapes: list, nodes: list) -> Node | None:
    offset = len(shapes) - len(nodes)
    choices = [(offset + n, j) for n, node in enumerate(nodes)
               if node.style == "single" and node.share is None
               for j in range(len(shapes)) if j != node.inputs[0]
               and shapes[j] == shapes[node.inputs[0]]]
    if not choices:
        return None
    owner, source = draw(st.sampled_from(choices))
    return Node(nodes[owner - offset].spec, (source,), share=owner)


_NODE_KINDS = {"layer": _layer_node, "merge": _merge_node, "attention": _attention_node,
               "share": _share_node}
