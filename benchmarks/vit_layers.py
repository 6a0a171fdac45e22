"""The user's file for benchmark 5: the ViT example's patch extraction as a custom layer (no weights)."""

import keras
from keras import ops


class Patches(keras.layers.Layer):
    """Images to a sequence of flattened ``patch_size × patch_size`` patches."""

    def __init__(self, patch_size, **kwargs):
        super().__init__(**kwargs)
        self.patch_size = patch_size

    def call(self, images):
        patches = ops.image.extract_patches(images, size=self.patch_size)
        rows, columns, values = patches.shape[1], patches.shape[2], patches.shape[3]
        return ops.reshape(patches, (ops.shape(patches)[0], rows * columns, values))

    def get_config(self):
        return {**super().get_config(), "patch_size": self.patch_size}
