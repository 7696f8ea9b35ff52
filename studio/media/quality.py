"""Picture difference measures (PSNR, SSIM) for checking that a faster path or a smaller
encode still looks the same. numpy + scipy only."""

from __future__ import annotations

import numpy as np

_LUMA = np.array([0.299, 0.587, 0.114])


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio of two uint8 images in dB (inf when identical)."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


def mean_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference in levels (0–255)."""
    return float(np.mean(np.abs(a.astype(np.int16) - b.astype(np.int16))))


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean structural similarity of the luma of two RGB (or grey) uint8 images, with the
    usual 11×11 Gaussian window (σ 1.5) and constants (Wang et al. 2004)."""
    from scipy.ndimage import gaussian_filter

    x, y = _luma(a), _luma(b)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(v: np.ndarray) -> np.ndarray:
        return gaussian_filter(v, 1.5, truncate=3.5)

    mx, my = blur(x), blur(y)
    sxx = blur(x * x) - mx * mx
    syy = blur(y * y) - my * my
    sxy = blur(x * y) - mx * my
    num = (2 * mx * my + c1) * (2 * sxy + c2)
    den = (mx * mx + my * my + c1) * (sxx + syy + c2)
    return float(np.mean(num / den))


def _luma(img: np.ndarray) -> np.ndarray:
    img = img.astype(np.float64)
    return img @ _LUMA if img.ndim == 3 else img
