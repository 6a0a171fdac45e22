"""A user's own layers, models and functions, written the way the official Keras examples write them.

The tests count models built from these with ``--custom-objects tests/keras/user_layers.py`` (or
``live.load_custom_objects`` of this file): the file is run again, apart, exactly as a user's would be.
"""

from __future__ import annotations

import keras
from keras import layers, ops


class Sampling(layers.Layer):
    """The VAE example's reparameterisation trick: no weights."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(shape=ops.shape(z_mean))
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


class Patches(layers.Layer):
    """The ViT example's patch extraction: images to a sequence of flattened patches, no weights."""

    def __init__(self, patch_size, **kwargs):
        super().__init__(**kwargs)
        self.patch_size = patch_size

    def call(self, images):
        patches = ops.image.extract_patches(images, size=self.patch_size)
        rows, columns, values = patches.shape[1], patches.shape[2], patches.shape[3]
        return ops.reshape(patches, (ops.shape(patches)[0], rows * columns, values))

    def get_config(self):
        return {**super().get_config(), "patch_size": self.patch_size}


class PatchEncoder(layers.Layer):
    """The ViT example's projection plus learned position embedding."""

    def __init__(self, num_patches, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.num_patches, self.projection_dim = num_patches, projection_dim
        self.projection = layers.Dense(units=projection_dim)
        self.position_embedding = layers.Embedding(input_dim=num_patches, output_dim=projection_dim)

    def call(self, patch):
        positions = ops.expand_dims(ops.arange(start=0, stop=self.num_patches, step=1), axis=0)
        return self.projection(patch) + self.position_embedding(positions)

    def get_config(self):
        return {**super().get_config(), "num_patches": self.num_patches, "projection_dim": self.projection_dim}


class TokenAndPositionEmbedding(layers.Layer):
    """The text-classification-with-transformer example's two embeddings, summed."""

    def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.maxlen, self.vocab_size, self.embed_dim = maxlen, vocab_size, embed_dim
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        positions = ops.arange(start=0, stop=ops.shape(x)[-1], step=1)
        return self.token_emb(x) + self.pos_emb(positions)

    def get_config(self):
        return {**super().get_config(), "maxlen": self.maxlen, "vocab_size": self.vocab_size,
                "embed_dim": self.embed_dim}


class TransformerBlock(layers.Layer):
    """The same example's encoder block: attention, a feed-forward network, two LayerNormalizations."""

    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.embed_dim, self.num_heads, self.ff_dim, self.rate = embed_dim, num_heads, ff_dim, rate
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = keras.Sequential([layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)])
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1, self.dropout2 = layers.Dropout(rate), layers.Dropout(rate)

    def call(self, inputs, training=False):
        out1 = self.layernorm1(inputs + self.dropout1(self.att(inputs, inputs), training=training))
        return self.layernorm2(out1 + self.dropout2(self.ffn(out1), training=training))

    def get_config(self):
        return {**super().get_config(), "embed_dim": self.embed_dim, "num_heads": self.num_heads,
                "ff_dim": self.ff_dim, "rate": self.rate}


class CTCLayer(layers.Layer):
    """The OCR captcha example's loss layer: adds the CTC loss, returns the predictions; no weights."""

    def call(self, y_true, y_pred):
        batch = ops.cast(ops.shape(y_pred)[0], "int32")
        input_length = ops.cast(ops.shape(y_pred)[1], "int32") * ops.ones((batch,), dtype="int32")
        label_length = ops.cast(ops.shape(y_true)[1], "int32") * ops.ones((batch,), dtype="int32")
        self.add_loss(ops.mean(ops.ctc_loss(ops.cast(y_true, "int32"), y_pred, label_length, input_length)))
        return y_pred


class Linear(layers.Layer):
    """The "making new layers" guide's layer: weights made in build() from the input's last axis."""

    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class NormalizedDense(layers.Layer):
    """A block with non-trainable weights inside: Dense then BatchNormalization."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense, self.norm = layers.Dense(units, use_bias=False), layers.BatchNormalization()

    def call(self, x):
        return ops.relu(self.norm(self.dense(x)))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="course")
class Scale(layers.Layer):
    """A registered layer (its config says ``course>Scale``): one learned scale per feature."""

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")

    def call(self, x):
        return x * self.scale


class TwoHeads(layers.Layer):
    """A layer with two outputs: a projection and its gate."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.value, self.gate = layers.Dense(units), layers.Dense(units, activation="sigmoid")

    def call(self, x):
        return self.value(x), self.gate(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class MinimalRNNCell(layers.Layer):
    """The RNN guide's minimal cell: an input kernel and a recurrent kernel, no bias."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units, self.state_size = units, units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")

    def call(self, inputs, states):
        output = ops.matmul(inputs, self.kernel) + ops.matmul(states[0], self.recurrent_kernel)
        return output, [output]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class LayerNormalization(layers.Layer):
    """A look-alike: the user's own LayerNormalization, one scale per feature (Keras's has two vectors)."""

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")

    def call(self, x):
        return x * self.scale


class Attention(layers.Layer):
    """A look-alike: the user's own Attention, a learned query vector pooling a sequence."""

    def build(self, input_shape):
        self.query = self.add_weight(shape=(input_shape[-1],), name="query")

    def call(self, x):
        weights = ops.softmax(ops.sum(x * self.query, axis=-1), axis=-1)
        return ops.sum(x * ops.expand_dims(weights, -1), axis=1)


class VAE(keras.Model):
    """A subclassed model (the VAE example's shape): its config does not describe its layers."""

    def __init__(self, latent_dim=2, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = latent_dim
        self.hidden = layers.Dense(16, activation="relu")
        self.z_mean, self.z_log_var = layers.Dense(latent_dim), layers.Dense(latent_dim)
        self.sampling = Sampling()
        self.decoder = layers.Dense(8)
        self.norm = layers.BatchNormalization()

    def call(self, x):
        h = self.hidden(x)
        return self.norm(self.decoder(self.sampling([self.z_mean(h), self.z_log_var(h)])))

    def get_config(self):
        return {**super().get_config(), "latent_dim": self.latent_dim}


class Tempered(keras.Model):
    """A subclassed model with a weight of its own, outside any layer (a learned temperature)."""

    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = layers.Dense(units)
        self.temperature = self.add_weight(shape=(), initializer="ones", name="temperature")

    def call(self, x):
        return self.dense(x) / self.temperature

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class NoConfig(keras.Model):
    """A subclassed model whose constructor needs an argument its config does not keep: Keras cannot rebuild it."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units)

    def call(self, x):
        return self.dense(x)

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable}  # forgets units


class FunctionalSubclass(keras.Model):
    """A Functional model of a user's own class (``keras.Model(inputs, outputs)`` subclassed)."""


def double(x):
    """A named function for a Lambda layer without output_shape."""
    return ops.concatenate([x, x], axis=-1)


def contrastive_loss(y_true, y_pred):
    """The siamese example's loss: the model owns no part of it."""
    margin = 1.0
    return ops.mean((1 - y_true) * ops.square(y_pred) + y_true * ops.square(ops.maximum(margin - y_pred, 0)))
