"""Statements the book once got wrong, read from its sources: each check fails if the wrong statement comes back or
a number it depends on is typed instead of glued. The numbers themselves are checked by the chapters' own
assertions against live Keras when the book is built."""

from __future__ import annotations

import re
import tomllib

from tests.book.building import ROOT
from tests.book.test_chapters import _cells, _source

MEMORY = "book/09-counting-without-building"


def _removed_code(name: str) -> str:
    return "\n".join(body for tags, body in _cells(_source(name)) if "remove-cell" in tags)


def _visible_code(name: str) -> str:
    return "\n".join(body for tags, body in _cells(_source(name)) if not tags & {"remove-cell", "remove-input"})


def _glued_and_used(name: str, key: str) -> bool:
    """Is ``key`` glued by a removed cell (by name, or by an f-string such as f"q_{mode}_total") and shown in the
    prose with {glue:text}?"""
    names = re.findall(r'glue\((f?)"([^"]+)"', _removed_code(name))
    patterns = [re.escape(n) if not f else re.sub(r"\\\{\w+\\\}", r"\\w+", re.escape(n)) for f, n in names]
    glued = any(re.fullmatch(pattern, key) for pattern in patterns)
    return glued and f"{{glue:text}}`{key}`" in _source(name)


def test_training_memory_is_measured_not_guessed():
    """Is Adam's training memory stated from an Adam optimizer built in Keras (weights, gradients and its slots),
    glued, and never as "roughly triples"?"""
    text = _source(MEMORY)
    assert "triple" not in text.lower(), f"{MEMORY} still says that Adam triples the memory"
    assert "keras.optimizers.Adam()" in _visible_code(MEMORY) and ".build(seed.trainable_variables)" in text
    for key in ("train_multiplier", "train_bytes", "adam_bytes", "vgg_adam", "ex_effnet_adam"):
        assert _glued_and_used(MEMORY, key), f"{MEMORY}: {key} is not glued into the prose"


def test_quantized_counts_come_from_keras():
    """Are the counts and bytes of the int8 and int4 quantized seed model glued from `model.quantize()` in Keras,
    with the float32 scale per unit said in the chapter and the glossary?"""
    assert 'model.quantize(mode)' in _visible_code(MEMORY)
    for key in ("q_int8_total", "q_int4_total", "q_int8_bytes", "q_int8_scales", "q_f32_bytes", "q_half_bytes"):
        assert _glued_and_used(MEMORY, key), f"{MEMORY}: {key} is not glued into the prose"
    glossary = _source("book/glossary")
    dtype = glossary[glossary.index("\nDtype\n"):].split("\n\n")[0]
    assert "mixed_bfloat16" in dtype and "scale" in dtype, "the glossary's dtype entry omits Keras's exceptions"


def test_mixed_precision_is_not_said_to_halve_memory():
    """Does chapter 9 say, and check at build time, that `mixed_bfloat16` keeps float32 variables?"""
    assert '{"float32"}' in _removed_code(MEMORY) and "mixed_bfloat16" in _removed_code(MEMORY)
    assert re.search(r"`mixed_bfloat16`[^\n]*float32", _source(MEMORY))


def test_preface_and_exercises_page_agree_on_what_the_package_needs():
    """Do the preface and "Working the exercises" both say the package needs neither TensorFlow nor Keras, and
    does the preface no longer send learners to `make book` or `make test` to do the exercises?"""
    preface = _source("book/00-preface")
    assert "neither TensorFlow nor Keras" in preface
    assert "neither TensorFlow nor Keras" in _source("book/working-the-exercises")
    assert "make test" not in preface, "the preface sends learners to `make test`"


def test_preface_states_the_keras_minimum_of_pyproject():
    """Does the preface state, once, the minimum Keras that pyproject's [keras] extra requires?"""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    pins = [re.match(r"keras>=([\d.]+)", spec) for spec in extras["keras"]]
    minimum = next(pin.group(1) for pin in pins if pin)
    stated = re.findall(r"Keras (\d+\.\d+) or later", _source("book/00-preface"))
    assert stated == [minimum], f"the preface states {stated}, pyproject requires keras>={minimum}"


def test_config_figure_names_the_other_arguments_that_change_a_count():
    """Does Fig. 9.1's caption name `use_bias` and `lora_rank` instead of saying nothing else changes a count?"""
    caption = re.search(r"caption: (.*)\n\s+name: fig-config-counts", _source(MEMORY)).group(1)
    assert "`use_bias`" in caption and "`lora_rank`" in caption, caption
    assert "nothing else" not in caption


def test_subclassed_model_is_built_with_build_or_data():
    """Does chapter 2 build a subclassed model with its own build() method, and not send it to `keras.Input`?"""
    text = _source("book/02-dense")
    assert "def build(self, input_shape):" in _visible_code("book/02-dense")
    assert "A subclassed model has no `keras.Input` to take" in text
    assert "unbuilt.count_params() == 0" in _removed_code("book/02-dense"), "the build-without-build() check is gone"


def test_einsum_output_shape_lists_every_axis_but_the_batch():
    """Does chapter 2 say that `output_shape` gives every output axis but the batch (not only the kernel's)?"""
    text = _source("book/02-dense")
    assert "sets `d` and `e`" not in text
    assert "every output axis but the batch" in text


def test_vgg_figure_caption_names_all_orange_bars():
    """Does Fig. 4.2's caption call all three fully connected layers orange, and does its cell assert that?"""
    text = _source("book/04-convolutions")
    assert "three fully connected layers (orange)" in text
    assert '== ["fc1", "fc2", "predictions"]' in text
