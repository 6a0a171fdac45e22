"""Assignment 9, today's language models: bias-free blocks, RMSNorm, SwiGLU's three matrices,
grouped-query attention, a tied output embedding, and a mixture of experts' total and active counts."""

from __future__ import annotations

from ...reference import Derivation, term
from ...reference.attention import grouped_query_attention
from ...reference.core import dense
from ..variants import Size, Template
from ._spec import Arg, Bank

bank = Bank("a09_language_models")


def _llama_block(head_dim=16, name="llama_block"):
    import keras

    tokens = keras.Input(shape=(32, 128), name="tokens")
    x = keras.layers.RMSNormalization(name="attention_norm")(tokens)
    x = keras.layers.GroupQueryAttention(head_dim, 8, 2, use_bias=False, name="attention")(x, x)
    x = keras.layers.Add(name="residual_1")([tokens, x])
    h = keras.layers.RMSNormalization(name="ffn_norm")(x)
    gate = keras.layers.Dense(344, activation="silu", use_bias=False, name="gate")(h)
    up = keras.layers.Dense(344, use_bias=False, name="up")(h)
    down = keras.layers.Dense(128, use_bias=False, name="down")(keras.layers.Multiply(name="swiglu")([gate, up]))
    out = keras.layers.Add(name="residual_2")([x, down])
    return keras.Model(tokens, out, name=name)


def _tied_lm():
    import keras

    tokens = keras.Input(shape=(32,), dtype="int32", name="tokens")
    embedding = keras.layers.ReversibleEmbedding(5000, 96, tie_weights=True, name="embedding")
    x = keras.layers.RMSNormalization(name="final_norm")(embedding(tokens))
    logits = embedding(x, reverse=True)
    return keras.Model(tokens, logits, name="tied_lm")


MODELS = {"llama_block": _llama_block, "llama_block_budget": lambda: _llama_block(24, "llama_block_budget"),
          "tied_lm": _tied_lm}


_BLOCK_CODE = """tokens = keras.Input(shape=(32, {d}), name="tokens")
x = keras.layers.RMSNormalization(name="attention_norm")(tokens)
x = keras.layers.GroupQueryAttention({head_dim}, {heads}, {kv_heads}, use_bias=False, name="attention")(x, x)
x = keras.layers.Add(name="residual_1")([tokens, x])
h = keras.layers.RMSNormalization(name="ffn_norm")(x)
gate = keras.layers.Dense({f}, activation="silu", use_bias=False, name="gate")(h)
up = keras.layers.Dense({f}, use_bias=False, name="up")(h)
down = keras.layers.Dense({d}, use_bias=False, name="down")(keras.layers.Multiply(name="swiglu")([gate, up]))
out = keras.layers.Add(name="residual_2")([x, down])
keras.Model(tokens, out)"""
_BLOCK = (Size("d", ("tokens.batch_shape.2", "down.units"), range(32, 513, 16)),
          Size("heads", "attention.num_query_heads", (4, 6, 8, 12, 16, 24, 32)),
          Size("kv_heads", "attention.num_key_value_heads", (1, 2, 4, 8)),
          Size("head_dim", "attention.head_dim", range(8, 129, 8)),
          Size("f", ("gate.units", "up.units"), range(64, 1537, 8)))


def _grouped(sizes: dict) -> bool:
    """Key-value heads shared by the query heads: fewer of them, and a divisor."""
    return sizes["kv_heads"] < sizes["heads"] and sizes["heads"] % sizes["kv_heads"] == 0


TEMPLATES = {  # how each model varies per learner (autograder/grading/variants.py)
    "llama_block": Template(_BLOCK_CODE, _BLOCK, valid=_grouped),
    "llama_block_budget": Template(_BLOCK_CODE, _BLOCK, valid=_grouped),
    "tied_lm": Template("""tokens = keras.Input(shape=(32,), dtype="int32", name="tokens")
embedding = keras.layers.ReversibleEmbedding({vocab}, {d}, tie_weights=True, name="embedding")
x = keras.layers.RMSNormalization(name="final_norm")(embedding(tokens))
logits = embedding(x, reverse=True)
keras.Model(tokens, logits)""", (Size("vocab", "embedding.input_dim", range(1000, 50001, 250)),
                                 Size("d", "embedding.output_dim", range(32, 513, 16)))),
}


def swiglu(hidden_dim, intermediate_dim):
    """One bias-free SwiGLU expert: gate and up ``d × f``, down ``f × d``."""
    gate_or_up = dense(intermediate_dim, hidden_dim, use_bias=False).trainable
    return gate_or_up + gate_or_up + dense(hidden_dim, intermediate_dim, use_bias=False).trainable


def _router_and(experts, hidden_dim, intermediate_dim, num_experts, note):
    """A bias-free router ``d·E`` over all ``num_experts``, and ``experts`` SwiGLU experts."""
    router = dense(num_experts, hidden_dim, use_bias=False).trainable
    return Derivation(router + term(experts) * swiglu(hidden_dim, intermediate_dim), note=note)


def moe_total(hidden_dim, intermediate_dim, num_experts, top_k):
    """A sparse mixture of SwiGLU experts (as Mixtral's): a bias-free router ``d·E`` and every expert."""
    return _router_and(num_experts, hidden_dim, intermediate_dim, num_experts, "router + experts")


def moe_active(hidden_dim, intermediate_dim, num_experts, top_k):
    """What one token uses of it: the router, and ``top_k`` experts."""
    return _router_and(top_k, hidden_dim, intermediate_dim, num_experts, "router + top_k experts")


def _live_moe(hidden_dim, intermediate_dim, num_experts, top_k, used=None):
    """Live Keras: a router Dense and the expert bank as EinsumDense kernels (E × d × f, twice, and E × f × d);
    with ``used`` experts in the bank (what one token runs through) but the router still over all of them."""
    import keras

    bank_size = used or num_experts
    x = keras.Input(shape=(4, hidden_dim))
    router = keras.layers.Dense(num_experts, use_bias=False)(x)
    gate = keras.layers.EinsumDense("btd,edf->btef", (4, bank_size, intermediate_dim))(x)
    up = keras.layers.EinsumDense("btd,edf->btef", (4, bank_size, intermediate_dim))(x)
    down = keras.layers.EinsumDense("btef,efd->bted", (4, bank_size, hidden_dim))(gate * up)
    return keras.Model(x, [router, down]).count_params()


LIVE = {  # function questions that are no single Keras layer: how the tests measure them with live Keras
    "llm.fn.moe_params": _live_moe,
    "llm.fn.moe_active_params": lambda **a: _live_moe(**a, used=a["top_k"]),
}

_MOE_ARGS = (Arg("hidden_dim", range(8, 4097, 8)), Arg("intermediate_dim", range(8, 16385, 8)),
             Arg("num_experts", range(2, 65)), Arg("top_k", (1, 2)))


def questions():
    return [
        bank.count("llm.block.total", "llama_block", "total",
                   "A Llama-style block on {d} features: RMSNormalization, GroupQueryAttention({heads} query heads "
                   "sharing {kv_heads} key-value heads of {head_dim}, no biases), a SwiGLU feed-forward part of "
                   "width {f} (gate, up and down, no biases), two residuals: how many parameters in all?"),
        bank.count("llm.block.attention", "llama_block", "layer:attention",
                   "The same block: how many parameters does `attention` have?"),
        bank.count("llm.tied.total", "tied_lm", "total",
                   "A ReversibleEmbedding({vocab}, {d}, tie_weights=True) used for the input tokens and again, "
                   "reversed, for the output logits, with an RMSNormalization between: how many parameters?"),
        bank.function("llm.fn.gqa_params", "gqa_params(hidden_dim, num_query_heads, num_key_value_heads, head_dim)",
                      (Arg("hidden_dim", range(8, 4097, 8)), Arg("num_query_heads", range(8, 65, 8)),
                       Arg("num_key_value_heads", (1, 2, 4, 8)), Arg("head_dim", range(8, 257, 8))),
                      lambda hidden_dim, num_query_heads, num_key_value_heads, head_dim: grouped_query_attention(
                          head_dim, num_query_heads, num_key_value_heads, hidden_dim, use_bias=False),
                      lambda hidden_dim, num_query_heads, num_key_value_heads, head_dim: (
                          "GroupQueryAttention", {"head_dim": head_dim, "num_query_heads": num_query_heads,
                                                  "num_key_value_heads": num_key_value_heads, "use_bias": False},
                          (None, 4, hidden_dim), (None, 4, hidden_dim)),
                      "Write `gqa_params(hidden_dim, num_query_heads, num_key_value_heads, head_dim)`: "
                      "the parameters of a bias-free GroupQueryAttention used for self-attention on "
                      "`hidden_dim` features."),
        bank.function("llm.fn.moe_params", "moe_params(hidden_dim, intermediate_dim, num_experts, top_k)",
                      _MOE_ARGS, moe_total, None,
                      "Write `moe_params(hidden_dim, intermediate_dim, num_experts, top_k)`: all the parameters "
                      "of a mixture-of-experts feed-forward layer, a bias-free router from `hidden_dim` features "
                      "to `num_experts` scores and `num_experts` bias-free SwiGLU experts of width "
                      "`intermediate_dim`, each token going through `top_k` of them."),
        bank.function("llm.fn.moe_active_params", "moe_active_params(hidden_dim, intermediate_dim, num_experts, top_k)",
                      _MOE_ARGS, moe_active, None,
                      "Write `moe_active_params(hidden_dim, intermediate_dim, num_experts, top_k)`: the "
                      "parameters of the same layer that one token uses (its active parameters)."),
        bank.budget("llm.budget.head_dim", "llama_block_budget", "total", ("attention", "head_dim"),
                    "In the Llama-style block on {d} features ({heads} query heads sharing {kv_heads} key-value "
                    "heads, SwiGLU width {f}, no biases), choose `head_dim` so that the block has exactly "
                    "{target:,} parameters."),
    ]
