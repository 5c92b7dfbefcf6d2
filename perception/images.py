"""Images in, in one place: a webcam frame or photo as an RGB uint8 array, with clear errors.

Accepts numpy arrays (greyscale HxW, HxWx1, RGB or RGBA HxWx3/4; uint8 or float in [0, 1]), file
paths and the bytes of an image file (anything OpenCV decodes: JPEG, PNG, WebP, BMP...). Images over
`max_pixels` are refused (setting `limits.max_image_pixels`) before they are decoded.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Union

import numpy as np

ImageInput = Union[str, Path, bytes, np.ndarray]


class ImageError(ValueError):
    """An image that cannot be used: unreadable, empty, the wrong shape, or too large."""


def _check_size(height: int, width: int, max_pixels: int | None, what: str) -> None:
    if height <= 0 or width <= 0:
        raise ImageError(f"{what} is empty ({width}x{height} pixels)")
    if max_pixels is not None and height * width > max_pixels:
        raise ImageError(f"{what} is {width}x{height} = {height * width / 1e6:.1f} megapixels; the limit is "
                         f"{max_pixels / 1e6:.1f} (setting limits.max_image_pixels)")


def _header_size(data: bytes) -> tuple[int, int] | None:
    """(height, width) from a PNG header, without decoding (JPEG sizes are checked after decoding)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return height, width
    return None


def to_rgb(array: np.ndarray, max_pixels: int | None = None, what: str = "the image") -> np.ndarray:
    x = np.asarray(array)
    if x.ndim == 3 and x.shape[2] == 1:
        x = x[:, :, 0]
    if x.ndim not in (2, 3) or (x.ndim == 3 and x.shape[2] not in (3, 4)):
        raise ImageError(f"{what} must be greyscale (HxW) or colour (HxWx3 RGB, HxWx4 RGBA), got shape {x.shape}")
    _check_size(x.shape[0], x.shape[1], max_pixels, what)
    if x.dtype != np.uint8:
        if not np.issubdtype(x.dtype, np.number) or not np.isfinite(x).all():
            raise ImageError(f"{what} must hold finite numbers, got dtype {x.dtype}")
        x = np.clip(x * 255.0 if x.max() <= 1.0 else x, 0, 255).astype(np.uint8)
    if x.ndim == 2:
        x = np.repeat(x[:, :, None], 3, axis=2)
    return np.ascontiguousarray(x[:, :, :3])


def load_image(source: ImageInput, max_pixels: int | None = None) -> np.ndarray:
    """An RGB uint8 array (HxWx3) from an array, a path or an image file's bytes."""
    if isinstance(source, np.ndarray):
        return to_rgb(source, max_pixels)
    if isinstance(source, (str, Path)):
        path = Path(source).expanduser()
        if not path.is_file():
            raise ImageError(f"no image file at {path}")
        data, what = path.read_bytes(), str(path)
    elif isinstance(source, (bytes, bytearray)):
        data, what = bytes(source), "the image data"
    else:
        raise ImageError(f"an image must be a numpy array, a file path or bytes, got {type(source).__name__}")
    if not data:
        raise ImageError(f"{what} is empty (0 bytes)")
    size = _header_size(data)
    if size is not None:
        _check_size(*size, max_pixels, what)
    import cv2

    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if decoded is None:
        raise ImageError(f"cannot decode {what}: not an image OpenCV can read (JPEG, PNG, WebP, BMP...)")
    if decoded.ndim == 3:  # OpenCV decodes to BGR(A)
        decoded = cv2.cvtColor(decoded, cv2.COLOR_BGRA2RGBA if decoded.shape[2] == 4 else cv2.COLOR_BGR2RGB)
    if decoded.dtype == np.uint16:
        decoded = (decoded / 257).astype(np.uint8)
    return to_rgb(decoded, max_pixels, what)
