"""Procedural textures: seeded, seamless, contrast at every scale when rich, none when plain."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from drone_ssl_sim.errors import SimError
from drone_ssl_sim.textures import PLAIN, TEXTURE_KINDS, make_texture


def _band_contrast(image: np.ndarray) -> list[float]:
    """Std of band-pass images around 1, 4 and 16 texels: the local contrast at fine, medium and coarse scale."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    bands = []
    for scale in (1.0, 4.0, 16.0):
        fine = grey if scale == 1.0 else cv2.GaussianBlur(grey, (0, 0), scale / 2)
        coarse = cv2.GaussianBlur(grey, (0, 0), scale * 2)
        bands.append(float((fine - coarse).std()))
    return bands


@pytest.mark.parametrize("kind", [*TEXTURE_KINDS, PLAIN])
def test_same_rng_same_texture_and_shape(kind):
    a = make_texture(kind, np.random.default_rng(3), 128)
    b = make_texture(kind, np.random.default_rng(3), 128)
    c = make_texture(kind, np.random.default_rng(4), 128)
    assert a.shape == (128, 128, 3) and a.dtype == np.uint8
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    assert make_texture(kind, np.random.default_rng(3), 96).shape == (96, 96, 3)


@pytest.mark.parametrize("kind", TEXTURE_KINDS)
def test_rich_textures_have_contrast_at_several_scales(kind):
    for seed in range(3):
        fine, medium, coarse = _band_contrast(make_texture(kind, np.random.default_rng(seed), 512))
        assert fine > 5.0 and medium > 4.0 and coarse > 4.0, (kind, seed, fine, medium, coarse)


def test_plain_texture_has_no_local_contrast():
    for seed in range(3):
        image = make_texture(PLAIN, np.random.default_rng(seed), 512)
        assert max(_band_contrast(image)) < 0.5
        assert cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).std() < 2.0


@pytest.mark.parametrize("kind", TEXTURE_KINDS)
def test_textures_tile_without_a_seam(kind):
    grey = cv2.cvtColor(make_texture(kind, np.random.default_rng(1), 256), cv2.COLOR_RGB2GRAY).astype(np.float32)
    for image in (grey, grey.T):
        steps = np.abs(np.diff(image, axis=1)).mean(axis=0)  # mean jump between neighbouring columns
        seam = np.abs(image[:, 0] - image[:, -1]).mean()  # the jump where the texture wraps around
        assert seam <= steps.max()


def test_surfaces_differ():
    rng = np.random.default_rng(0)
    images = [make_texture("noise", rng, 64) for _ in range(3)]
    assert not np.array_equal(images[0], images[1]) and not np.array_equal(images[1], images[2])


def test_unknown_kind_is_a_sim_error():
    with pytest.raises(SimError, match="unknown texture kind 'marble'"):
        make_texture("marble", np.random.default_rng(0), 64)
