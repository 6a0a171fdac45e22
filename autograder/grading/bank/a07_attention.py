"""Assignment 7, attention: MultiHeadAttention's four projections, key_dim per head."""

from __future__ import annotations

from ...reference.attention import multi_head_attention
from ..variants import Size, Template
from ._spec import Arg, Bank

bank = Bank("a07_attention")


def _self_attention(heads=4, name="self_attention"):
    import keras

    tokens = keras.Input(shape=(10, 64), name="tokens")
    out = keras.layers.MultiHeadAttention(heads, 16, name="mha")(tokens, tokens)
    return keras.Model(tokens, out, name=name)


def _cross_attention():
    import keras

    query = keras.Input(shape=(10, 32), name="query")
    context = keras.Input(shape=(20, 48), name="context")
    out = keras.layers.MultiHeadAttention(2, 8, name="mha")(query, context)
    return keras.Model([query, context], out, name="cross_attention")


def _block():
    import keras

    tokens = keras.Input(shape=(10, 32), name="tokens")
    attended = keras.layers.MultiHeadAttention(2, 16, name="mha")(tokens, tokens)
    x = keras.layers.LayerNormalization(name="norm")(keras.layers.Add(name="residual")([tokens, attended]))
    x = keras.layers.Dense(64, activation="relu", name="ffn_1")(x)
    out = keras.layers.Dense(32, name="ffn_2")(x)
    return keras.Model(tokens, out, name="transformer_block")


MODELS = {"self_attention": _self_attention,
          "attention_budget": lambda: _self_attention(heads=6, name="attention_budget"),
          "cross_attention": _cross_attention, "transformer_block": _block}


_SELF_CODE = """tokens = keras.Input(shape=(10, {features}), name="tokens")
out = keras.layers.MultiHeadAttention({heads}, {key_dim}, name="mha")(tokens, tokens)
keras.Model(tokens, out)"""
_KEY_DIM = Size("key_dim", ("mha.key_dim", "mha.value_dim"), range(4, 65))
_SELF = (Size("features", "tokens.batch_shape.2", range(16, 257)), Size("heads", "mha.num_heads", range(2, 17)),
         _KEY_DIM)
TEMPLATES = {  # how each model varies per learner (autograder/grading/variants.py)
    "self_attention": Template(_SELF_CODE, _SELF),
    "attention_budget": Template(_SELF_CODE, _SELF),
    "cross_attention": Template("""query = keras.Input(shape=(10, {query}), name="query")
context = keras.Input(shape=(20, {context}), name="context")
out = keras.layers.MultiHeadAttention({heads}, {key_dim}, name="mha")(query, context)
keras.Model([query, context], out)""", (Size("query", "query.batch_shape.2", range(8, 257)),
                                        Size("context", "context.batch_shape.2", range(8, 257)),
                                        Size("heads", "mha.num_heads", range(1, 9)), _KEY_DIM)),
    "transformer_block": Template("""tokens = keras.Input(shape=(10, {features}), name="tokens")
attended = keras.layers.MultiHeadAttention({heads}, {key_dim}, name="mha")(tokens, tokens)
x = keras.layers.LayerNormalization(name="norm")(keras.layers.Add(name="residual")([tokens, attended]))
x = keras.layers.Dense({hidden}, activation="relu", name="ffn_1")(x)
out = keras.layers.Dense({features}, name="ffn_2")(x)
keras.Model(tokens, out)""", (Size("features", ("tokens.batch_shape.2", "ffn_2.units"), range(16, 257)),
                              Size("heads", "mha.num_heads", range(1, 9)), _KEY_DIM,
                              Size("hidden", "ffn_1.units", range(16, 513)))),
}


def questions():
    return [
        bank.count("attention.self.layer", "self_attention", "layer:mha",
                   "MultiHeadAttention(num_heads={heads}, key_dim={key_dim}) on tokens of {features} features: "
                   "how many parameters?"),
        bank.count("attention.cross.layer", "cross_attention", "layer:mha",
                   "MultiHeadAttention(num_heads={heads}, key_dim={key_dim}), query of {query} features, "
                   "value of {context}: how many parameters?"),
        bank.count("attention.block.total", "transformer_block", "total",
                   "A transformer block on {features} features (attention, residual, LayerNormalization, "
                   "Dense({hidden}), Dense({features})): how many parameters in all?"),
        bank.count("attention.block.norm", "transformer_block", "layer:norm",
                   "The same block: how many parameters does `norm` have?"),
        bank.function("attention.fn.mha_params", "mha_params(num_heads, key_dim, features)",
                      (Arg("num_heads", range(1, 17)), Arg("key_dim", range(1, 129)),
                       Arg("features", range(1, 1025))),
                      lambda num_heads, key_dim, features: multi_head_attention(
                          num_heads, key_dim, query_features=features),
                      lambda num_heads, key_dim, features: (
                          "MultiHeadAttention", {"num_heads": num_heads, "key_dim": key_dim},
                          (None, 4, features), (None, 4, features)),
                      "Write `mha_params(num_heads, key_dim, features)` for self-attention "
                      "(query, key and value all have `features` features)."),
        bank.budget("attention.budget.heads", "attention_budget", "layer:mha", ("mha", "num_heads"),
                    "MultiHeadAttention(num_heads=?, key_dim={key_dim}) on tokens of {features} features: choose "
                    "the number of heads so that it has exactly {target:,} parameters."),
    ]
