"""Assignment 6, recurrent layers: gates, GRU's second bias, and Bidirectional's two copies."""

from __future__ import annotations

from ...reference.rnn import gru, lstm
from ..variants import Size, Template
from ._spec import Arg, Bank

bank = Bank("a06_recurrent")


def _seq(layer, name, features=10):
    import keras

    return keras.Sequential([keras.Input(shape=(20, features), name="steps"), layer], name=name)


def _models():
    import keras

    return {
        "lstm_64": lambda: _seq(keras.layers.LSTM(64, name="lstm"), "lstm_64"),
        "lstm_budget": lambda: _seq(keras.layers.LSTM(48, name="lstm"), "lstm_budget"),
        "gru_32": lambda: _seq(keras.layers.GRU(32, name="gru"), "gru_32"),
        "bidirectional_lstm": lambda: _seq(keras.layers.Bidirectional(keras.layers.LSTM(32, name="lstm"), name="bi"),
                                           "bidirectional_lstm"),
        "simple_rnn": lambda: keras.Sequential([
            keras.Input(shape=(20, 8), name="steps"),
            keras.layers.SimpleRNN(16, name="rnn"),
            keras.layers.Dense(1, name="score")], name="simple_rnn"),
    }


MODELS = {name: (lambda name=name: _models()[name]()) for name in
          ("lstm_64", "lstm_budget", "gru_32", "bidirectional_lstm", "simple_rnn")}

_UNITS = (Arg("input_dim", range(1, 513)), Arg("units", range(1, 513)))


def _rnn_code(layer: str) -> str:
    return f"""keras.Sequential([
    keras.Input(shape=(20, {{features}}), name="steps"),
    keras.layers.{layer},
])"""


_FEATURES = Size("features", "steps.batch_shape.2", range(2, 129))
_BOTH_DIRECTIONS = ("bi.layer.config.units", "bi.backward_layer.config.units")
_LSTM = (_FEATURES, Size("units", "lstm.units", range(4, 257)))
TEMPLATES = {  # how each model varies per learner (autograder/grading/variants.py)
    "lstm_64": Template(_rnn_code('LSTM({units}, name="lstm")'), _LSTM),
    "lstm_budget": Template(_rnn_code('LSTM({units}, name="lstm")'), _LSTM),
    "gru_32": Template(_rnn_code('GRU({units}, reset_after={reset_after}, name="gru")'),
                       (_FEATURES, Size("units", "gru.units", range(4, 257)),
                        Size("reset_after", "gru.reset_after", (True, False)))),
    "bidirectional_lstm": Template(_rnn_code('Bidirectional(keras.layers.LSTM({units}), name="bi")'),
                                   (_FEATURES, Size("units", _BOTH_DIRECTIONS, range(4, 257)))),
    "simple_rnn": Template("""keras.Sequential([
    keras.Input(shape=(20, {features}), name="steps"),
    keras.layers.SimpleRNN({units}, name="rnn"),
    keras.layers.Dense({outputs}, name="score"),
])""", (_FEATURES, Size("units", "rnn.units", range(4, 257)), Size("outputs", "score.units", range(1, 17)))),
}


def questions():
    return [
        bank.count("rnn.lstm.layer", "lstm_64", "layer:lstm",
                   "LSTM({units}) on sequences of {features} features: how many parameters?"),
        bank.count("rnn.gru.layer", "gru_32", "layer:gru",
                   "GRU({units}, reset_after={reset_after}) on sequences of {features} features: how many parameters?"),
        bank.count("rnn.bidirectional.layer", "bidirectional_lstm", "layer:bi",
                   "Bidirectional(LSTM({units})) on sequences of {features} features: how many parameters?"),
        bank.count("rnn.simple.total", "simple_rnn", "total",
                   "SimpleRNN({units}) on sequences of {features} features → Dense({outputs}): "
                   "how many parameters in all?"),
        bank.function("rnn.fn.lstm_params", "lstm_params(input_dim, units, use_bias=True)",
                      (*_UNITS, Arg("use_bias", (True, False), default=True)),
                      lambda input_dim, units, use_bias=True: lstm(units, input_dim, use_bias),
                      lambda input_dim, units, use_bias=True: (
                          "LSTM", {"units": units, "use_bias": use_bias}, (None, 5, input_dim)),
                      "Write `lstm_params(input_dim, units, use_bias=True)`."),
        bank.function("rnn.fn.gru_params", "gru_params(input_dim, units, reset_after=True)",
                      (*_UNITS, Arg("reset_after", (True, False), default=True)),
                      lambda input_dim, units, reset_after=True: gru(units, input_dim,
                                                                         reset_after=reset_after),
                      lambda input_dim, units, reset_after=True: (
                          "GRU", {"units": units, "reset_after": reset_after}, (None, 5, input_dim)),
                      "Write `gru_params(input_dim, units, reset_after=True)`."),
        bank.budget("rnn.budget.lstm_units", "lstm_budget", "layer:lstm", ("lstm", "units"),
                    "Choose the units of an LSTM on sequences of {features} features so that it has exactly "
                    "{target:,} parameters."),
    ]
