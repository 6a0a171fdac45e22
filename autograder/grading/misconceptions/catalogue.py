"""The misconception catalogue: each known wrong idea, as data.

Every :class:`~.mistake.Mistake` has a stable ``code`` (never renamed: feedback, fixtures and
gradebooks refer to it), a one-line ``title``, the ``feedback`` shown to the learner
(it names the idea, never the answer), an ``example`` question whose fixture submission
(``tests/fixtures/submissions/mistakes/<CODE>.json``) shows it, and its wrong formula:
patches of the per-layer rules (:mod:`.rules`) or a whole-model function (:mod:`.models`).

The catalogue is in order of specificity: when several mistakes give the learner's
number, the diagnosis (:mod:`.diagnose`) names the first.
"""

from __future__ import annotations

from . import formulas as fw
from . import models as mm
from . import rules as w
from .mistake import Mistake

__all__ = ["CATALOGUE", "by_code"]


def _m(code, title, feedback, example, patches=None, *, model=None, example_layer=None, budget=None,
       functions=None) -> Mistake:
    return Mistake(code, title, feedback, example, patches or {}, model, example_layer, budget, functions or {})


def _on(classes, patch) -> dict:
    return dict.fromkeys(classes, patch)


_BIASED = ("Dense", "EinsumDense", *w.CONV, *w.TRANSPOSE, *w.DEPTHWISE, *w.SEPARABLE, *w.CELLS,
           "MultiHeadAttention", *w.GQA)

CATALOGUE: tuple[Mistake, ...] = (
    _m("BATCH_DIM_COUNTED", "the batch dimension counted as if weights were per example",
       "Weights are shared by every example in a batch: the batch size never changes a parameter count.",
       "seed.batch32.total", model=mm.batch_dim_counted),
    _m("TIED_OUTPUT_COUNTED_TWICE", "a tied output embedding counted as a second table",
       "With tied weights the output layer reuses the input embedding's table (transposed): one table of "
       "vocabulary × features, counted once, however many times it is used.", "llm.tied.total",
       _on(["ReversibleEmbedding"], w.tied_counted_twice)),
    _m("SHARED_LAYER_COUNTED_TWICE", "a shared layer counted once per call",
       "A layer called several times owns one set of weights, built on its first call: it counts once.",
       "functional.siamese.total", model=mm.shared_counted_twice),
    _m("DENSE_ALL_AXES", "Dense on a sequence given a weight per input value, not per feature",
       "Dense acts on the last axis only: its kernel is (features of the last axis) × units, the same "
       "for every position of the other axes.", "dense.sequence.layer", _on(["Dense"], w.dense_all_axes)),
    _m("CONV_INPUT_CHANNELS_MISSING", "convolution kernels given no depth over the input channels",
       "Each filter spans every input channel: its kernel has kernel height × width × input channels "
       "weights.", "conv.rgb.layer", _on(w.CONV, w.conv_no_channels)),
    _m("CONV_OUTPUT_SIZE_FOR_KERNEL", "the output size used where the kernel size belongs",
       "A convolution's weights depend on its kernel size, not on the size of the image or of its "
       "output: the same small kernel slides over every position.", "conv.rgb.layer",
       _on(w.CONV, w.conv_output_size)),
    _m("CONV_GROUPS_IGNORED", "groups ignored in a grouped convolution",
       "With groups=g each filter sees only its group's input channels, so the kernel's depth is the "
       "input channels divided by g.", "conv.grouped.layer", _on(w.CONV, w.conv_groups_ignored)),
    _m("DEPTHWISE_AS_FULL_CONV", "a depthwise convolution counted as a full convolution",
       "A depthwise convolution filters each input channel on its own: no kernel mixes channels.",
       "conv.depthwise.layer", _on(w.DEPTHWISE, w.depthwise_as_full)),
    _m("SEPARABLE_POINTWISE_MISSING", "a separable convolution's pointwise part forgotten",
       "A separable convolution is a depthwise step followed by a 1 × 1 (pointwise) convolution that "
       "mixes the channels into the filters: count both kernels.", "conv.separable.layer",
       _on(w.SEPARABLE, w.separable_no_pointwise)),
    _m("TRANSPOSE_CHANNELS_SWAPPED", "a transposed convolution's input and output channels swapped",
       "A transposed convolution's kernel is stored as (kernel, filters, input channels), but its "
       "bias still has one value per filter, the layer's output channels.", "conv.transpose.layer",
       _on(w.TRANSPOSE, w.transpose_swapped)),
    _m("BN_MOVING_STATS_MISSING", "BatchNormalization's moving mean and variance left out",
       "BatchNormalization also keeps a moving mean and a moving variance per feature: weights too, "
       "updated during training but not by gradients (non-trainable).", "trainable.bn.non_trainable",
       _on(["BatchNormalization"], w.bn_stats_missing)),
    _m("BN_MOVING_STATS_TRAINABLE", "BatchNormalization's moving statistics counted as trainable",
       "Only gamma and beta are trained by gradients; the moving mean and variance are non-trainable.",
       "trainable.bn.trainable", _on(["BatchNormalization"], w.bn_stats_trainable)),
    _m("LSTM_GATES_MISSING", "an LSTM counted with three gates",
       "An LSTM has four gates (input, forget, cell candidate, output), each with its own input "
       "kernel, recurrent kernel and bias.", "rnn.lstm.layer", _on(["LSTMCell"], w.lstm_three_gates)),
    _m("GRU_RESET_AFTER_BIAS", "GRU counted without reset_after's second bias",
       "Keras's GRU defaults to reset_after=True, which gives each gate two biases: one for the "
       "input kernel and one for the recurrent kernel.", "rnn.gru.layer", _on(["GRUCell"], w.gru_one_bias)),
    _m("RECURRENT_KERNEL_MISSING", "a recurrent layer's recurrent kernel forgotten",
       "A recurrent layer also weighs its own previous state: each gate has a recurrent kernel of "
       "units × units besides its input kernel.", "rnn.simple.total", _on(w.CELLS, w.no_recurrent_kernel)),
    _m("BIDIRECTIONAL_NOT_DOUBLED", "Bidirectional counted as one copy of the wrapped layer",
       "Bidirectional builds a second, independent copy of the wrapped layer for the backward direction.",
       "rnn.bidirectional.layer", _on(["Bidirectional"], w.bidirectional_single)),
    _m("MHA_KEY_DIM_TOTAL", "MultiHeadAttention's key_dim taken as the total over all heads",
       "In Keras key_dim is the size of each head, so every projection grows with num_heads (unlike "
       "PyTorch, which splits one embedding across the heads).", "attention.self.layer",
       _on(["MultiHeadAttention"], w.mha_key_dim_total)),
    _m("MHA_OUTPUT_PROJECTION_MISSING", "MultiHeadAttention's output projection forgotten",
       "After the query, key and value projections, MultiHeadAttention projects the heads back to the "
       "output features: a fourth kernel with its bias.", "attention.self.layer",
       _on(["MultiHeadAttention"], w.mha_no_output)),
    _m("GQA_FULL_KV_HEADS", "grouped-query attention counted with a key and a value head per query head",
       "In grouped-query attention several query heads share one key head and one value head: the key and "
       "value projections have num_key_value_heads × head_dim outputs, not num_query_heads × head_dim.",
       "llm.block.attention", _on(w.GQA, w.gqa_full_kv_heads)),
    _m("ACTIVE_FOR_TOTAL", "a mixture of experts' active parameters given as its total",
       "Every expert is stored, although each token goes through only top_k of them: the total counts all "
       "num_experts experts (and the router); the active count is what one token uses.",
       "llm.fn.moe_params", functions={"moe_params": fw.active_for_total}),
    _m("ADAM_TRIPLE", "training memory with Adam taken as 3 × the weights: the gradients forgotten",
       "Training keeps the weights, one gradient per trainable weight, and the optimizer's slots (Adam: two "
       "per weight), so Adam needs at least 4 × the weights' bytes in float32, before activations.",
       "memory.fn.training_bytes", functions={"training_bytes": fw.gradients_forgotten}),
    _m("EXPERTS_ALL_ACTIVE", "a mixture of experts' active parameters counted with every expert",
       "The router sends each token to only top_k experts: a token's active parameters are the router and "
       "those top_k experts, not all num_experts of them.",
       "llm.fn.moe_active_params", functions={"moe_active_params": fw.all_experts}),
    _m("FLOPS_IMAGE_SIZE_IGNORED", "a convolution's FLOPs counted as if it ran at one position",
       "A convolution applies its kernel at every output pixel: its FLOPs are 2 × kernel weights × output "
       "pixels, so they grow with the image while its parameters do not.",
       "compute.fn.conv2d_flops", functions={"conv2d_flops": fw.flops_no_pixels}),
    _m("FLOPS_INPUT_SIZE_FOR_OUTPUT", "a convolution's FLOPs counted at every input pixel, not every output pixel",
       "With padding \"valid\" the output is smaller than the input, (size - kernel_size + 1) on each side: the "
       "kernel runs once per output pixel.",
       "compute.fn.conv2d_flops", functions={"conv2d_flops": fw.flops_input_size}),
    _m("MULTIPLY_ADD_AS_ONE_FLOP", "multiply-adds counted where FLOPs are asked",
       "Each multiply-add is two floating-point operations, a multiply and an add: FLOPs are twice the "
       "multiply-adds (MACs).",
       "compute.fn.conv2d_flops", functions={"conv2d_flops": fw.multiply_add_as_one}),
    _m("LORA_BIAS_FROZEN", "a LoRA layer's bias counted as frozen",
       "Keras's LoRA freezes only the kernel (and an embedding's table): the bias stays trainable, beside "
       "the two thin matrices A and B. (PEFT's default freezes biases: Keras does not.)",
       "lora.mlp.trainable", _on(["Dense"], w.lora_bias_frozen)),
    _m("QUANT_SCALES_MISSING", "an int8-quantized layer counted as one value per float weight",
       "quantize(\"int8\") stores the kernel in int8 and adds a float32 kernel_scale per output unit: "
       "the count grows by one scale per unit (and the kernel and scales are non-trainable).",
       "quant.int8.total", _on(["Dense"], w.int8_scales_missing)),
    _m("RMS_NORM_WITH_OFFSET", "RMSNormalization counted like LayerNormalization, with an offset",
       "RMSNormalization divides by the root mean square and multiplies by one learned scale per feature: it "
       "has no offset (beta), so half the weights of a LayerNormalization on the same features.",
       "llm.block.total", _on(["RMSNormalization"], w.rms_with_offset)),
    _m("EMBEDDING_WITH_BIAS", "an Embedding given a bias",
       "An Embedding is a lookup table, one vector per token: it has no bias.", "embed.text.embedding",
       _on(["Embedding"], w.embedding_bias)),
    _m("FLATTEN_WRONG_PADDING", "the size after Flatten computed with the wrong padding",
       "Padding changes the output size of a convolution or pooling layer, and so the number of "
       "values Flatten passes to the next Dense layer: recompute each shape with the layer's own "
       "padding ('valid' shrinks, 'same' keeps size / strides).", "conv.cnn.dense",
       _on((*w.CONV, *w.POOLS), w.padding_flipped)),
    _m("INPUT_LAYER_COUNTED", "the Input layer given a parameter per input value",
       "keras.Input only declares the shape of the data: it has no weights.", "dense.seed.total",
       model=mm.input_layer_counted),
    _m("FROZEN_COUNTED_TRAINABLE", "a frozen layer's weights counted as trainable",
       "Setting trainable = False moves all of a layer's (or model's) weights to non-trainable.",
       "trainable.frozen.trainable", model=mm.frozen_counted_trainable),
    _m("TOTAL_IS_TRAINABLE_ONLY", "the total given as the trainable parameters only",
       "count_params() and summary()'s total count every weight, trainable or not.",
       "trainable.frozen.total", model=mm.total_is_trainable_only),
    _m("TRAINABLE_IS_TOTAL", "the non-trainable weights counted as trainable",
       "Trainable parameters exclude the non-trainable ones (frozen layers, BatchNormalization's "
       "moving statistics).", "functional.nested.trainable", model=mm.trainable_is_total),
    _m("INPUTS_ONLY", "a Dense layer counted as its number of inputs",
       "A Dense layer has a weight for every (input, unit) pair, plus its biases; the input size "
       "alone is only one factor.", "dense.seed.layer1", _on(["Dense"], w.dense_inputs_only)),
    _m("UNITS_ONLY", "a Dense layer counted as its number of units",
       "A Dense layer has a weight for every (input, unit) pair, plus its biases; the number of "
       "units alone is only one factor.", "dense.seed.layer1", _on(["Dense"], w.dense_units_only)),
    _m("BIAS_PER_INPUT", "one bias per input instead of one per unit",
       "A layer has one bias per output unit (per filter), added after the weighted sum; not one per input.",
       "dense.seed.layer1", _on(["Dense"], w.dense_bias_per_input)),
    _m("BUDGET_DOWNSTREAM_FORGOTTEN", "the layers that grow with the chosen value left out of the equation",
       "Changing a layer's width changes the input of the layer after it, so that layer's kernel grows "
       "with the width too: write every count that depends on the value into the equation.",
       "dense.budget.hidden", budget=mm.downstream_omitted),
    _m("LAYER_LEFT_OUT", "a layer with weights left out of the sum",
       "Every layer that holds weights adds to the count: normalization layers, the output layer and "
       "the layers inside wrappers and nested models too.", "trainable.bn.trainable",
       model=mm.layer_left_out, example_layer="batch_norm"),
    _m("BIAS_IN_BIAS_FREE_BLOCK", "a bias added to a bias-free language-model block",
       "Llama-, Mistral- and Gemma-style blocks have no biases: their attention projections and the SwiGLU's "
       "gate, up and down matrices are built with use_bias=False, and RMSNormalization has a scale only.",
       "llm.block.total", model=mm.bias_in_bias_free_block),
    _m("BIAS_WHERE_NONE", "a bias counted for a layer built with use_bias=False",
       "With use_bias=False a layer has no bias vector: only its kernel holds parameters.",
       "dense.nobias.total", _on(_BIASED, w.with_bias)),
    _m("BIAS_MISSING", "the biases forgotten",
       "Each unit (filter, gate) also has a bias, unless use_bias=False.", "dense.seed.layer1",
       _on(_BIASED, w.without_bias)),
)


def by_code(code: str) -> Mistake:
    """The catalogue entry with this code."""
    for mistake in CATALOGUE:
        if mistake.code == code:
            return mistake
    raise KeyError(f"no misconception with code {code!r}")
