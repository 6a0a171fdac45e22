"""Assignment 7, attention: MultiHeadAttention's four projections, key_dim per head."""

from __future__ import annotations

from ...reference.attention import multi_head_attention
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


def questions():
    return [
        bank.count("attention.self.layer", "self_attention", "layer:mha",
                   "MultiHeadAttention(num_heads=4, key_dim=16) on tokens of 64 features: how many parameters?"),
        bank.count("attention.cross.layer", "cross_attention", "layer:mha",
                   "MultiHeadAttention(num_heads=2, key_dim=8), query of 32 features, value of 48: "
                   "how many parameters?"),
        bank.count("attention.block.total", "transformer_block", "total",
                   "A transformer block on 32 features (attention, residual, LayerNormalization, "
                   "Dense(64), Dense(32)): how many parameters in all?"),
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
                    "MultiHeadAttention(num_heads=?, key_dim=16) on tokens of 64 features: choose "
                    "the number of heads so that it has exactly {target:,} parameters."),
    ]
