"""The hand-graded "Explain" question of each assignment: a model answer and a short rubric.

Self-study grading (``python -m autograder grade``) shows them after the learner's own text; a course
that grades the explanations by hand can switch that off (``c.SelfStudy.model_answers = False`` in
``nbgrader_config.py``). The model answers are the solution notebooks' own (a test keeps them equal).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EXPLAIN", "Explain"]


@dataclass(frozen=True)
class Explain:
    """A model answer and the points a grader looks for, each worth one point."""

    model_answer: str
    rubric: tuple[str, ...]


EXPLAIN = {
    "a01_the_question": Explain(
        "Each Dense layer has one weight per input per unit plus one bias per unit, so the first layer alone "
        "has 2 × (256 + 1) = 514, and the next two add 3 × (2 + 1) and 4 × (3 + 1). The Input layer only "
        "declares a shape: it has no weights, and the batch size is not part of any weight's shape, so it "
        "changes nothing.",
        ("Each Dense layer has a weight per input per unit and a bias per unit, so 256 inputs feed 2 × 257.",
         "The Input layer has no weights and the batch size is in no weight's shape.")),
    "a02_dense": Explain(
        "Dense multiplies the last axis by a kernel of shape (16, 8) and adds a bias of 8; the same kernel is "
        "applied at each of the 20 positions, so the leading axes change the output shape but not the weights.",
        ("Dense acts on the last axis only: a (16, 8) kernel and a bias of 8.",
         "The same weights are shared by all 20 positions, which change the output shape only.")),
    "a03_trainable": Explain(
        "BatchNormalization also keeps a moving mean and a moving variance per feature, used at inference; "
        "they are updated by the layer during training, not by the optimizer, so Keras lists them as "
        "non-trainable. `count_params()` counts every weight, so 4 × 32 = 128; `summary()` shows the 64 "
        "moving statistics under Non-trainable params.",
        ("The moving mean and variance are weights too: 2 × 32 more, updated during training but not by "
         "gradients.", "They are non-trainable: summary() lists them under Non-trainable params, and "
         "count_params() counts all weights.")),
    "a04_convolutions": Explain(
        "A convolution slides one small kernel (3 × 3 × channels per filter) over every position, so its "
        "weights depend on the kernel size and channels only. Flatten turns every position of the feature "
        "map into a separate feature, and the Dense layer needs a weight for each of them.",
        ("A convolution's kernel (size × channels per filter) is shared by every position of the image.",
         "After Flatten each position is a separate input, so the Dense kernel grows with the image.")),
    "a05_embeddings_normalization": Explain(
        "Both hold a 10,000 × 64 matrix, but the Dense layer also has a bias of 64, while the Embedding just "
        "looks up one row per token and adds no bias: 640,000 against 640,064.",
        ("Both hold the same 10,000 × 64 matrix (a lookup equals a one-hot product).",
         "Dense adds a bias of 64; an Embedding has none.")),
    "a06_recurrent": Explain(
        "With reset_after=True (the Keras default, compatible with cuDNN) the reset gate is applied after the "
        "recurrent matrix multiplication, so the recurrent part gets its own bias: each of the 3 gates has an "
        "input bias and a recurrent bias, 2 × 3u biases instead of 3u.",
        ("reset_after=True is the Keras default.", "It gives each of the 3 gates a second (recurrent) bias: "
         "3u more biases.")),
    "a07_attention": Explain(
        "Keras's key_dim is the size of each head, so the projections have num_heads × key_dim outputs and "
        "grow with the number of heads. PyTorch splits a fixed embed_dim among the heads, so each head gets "
        "embed_dim / num_heads and the total projection size stays the same.",
        ("In Keras key_dim is per head, so the projections have num_heads × key_dim outputs.",
         "PyTorch divides a fixed embed_dim among the heads, so the total stays the same.")),
    "a08_functional": Explain(
        "Calling a layer again reuses the same kernel and bias objects; Keras counts each weight object once, "
        "so the model has one Dense(32) worth of weights. Two separate layers would each create their own "
        "weights and the count would grow by 32 × (64 + 1) = 2,080.",
        ("A second call reuses the layer's weights: each weight object counts once.",
         "Two separate layers would each own weights: 32 × (64 + 1) more.")),
    "a09_language_models": Explain(
        "Each token goes through only 2 of the 8 experts of each layer, chosen by the router, so the computation "
        "for one token uses about 12.9 billion parameters: attention, the router, the embeddings and two experts "
        "per layer. Any token may pick any expert, so all eight experts must be held in memory: serving the model "
        "needs memory for all 46.7 billion parameters, while each token costs only the compute of 12.9 billion.",
        ("Active: the parameters one token uses, its top-2 experts (plus attention, router and embeddings).",
         "Memory follows the total: every expert is stored, since any token may choose any of them.")),
    "a10_fine_tuning_memory": Explain(
        "Each trainable float32 parameter takes 4 bytes for the weight, 4 for its gradient and 8 for Adam's two "
        "slots (the moving averages of the gradient and of its square): 16 bytes. With LoRA the frozen weights "
        "need no gradient and no optimizer slots, which saves 12 of those 16 bytes for almost every parameter, "
        "but the frozen weights themselves must still be held, 4 bytes each, beside the 16 bytes of each LoRA "
        "parameter.",
        ("16 bytes: the weight, its gradient and Adam's two slots, 4 bytes each.",
         "LoRA saves the gradients and slots of the frozen weights, not the frozen weights themselves.")),
}
