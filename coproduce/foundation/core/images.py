"""Checking uploaded pictures by their content (Pillow), not by their name."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError


class NotAnImage(ValueError):
    """The bytes are not a readable picture in one of the allowed formats."""


@dataclass(frozen=True)
class ImageInfo:
    format: str  # Pillow's name, e.g. "PNG"
    width: int
    height: int


def identify_image(data: bytes | io.IOBase, *, formats: set[str] | frozenset[str]) -> ImageInfo:
    """Open and verify a picture; raise ``NotAnImage`` if it is broken or not in ``formats``.

    A renamed document, a truncated file or a decompression bomb is refused whatever its
    file name says. File objects are rewound afterwards.
    """
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    try:
        stream.seek(0)
        with Image.open(stream) as image:
            info = ImageInfo(image.format or "", *image.size)
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise NotAnImage from None
    finally:
        stream.seek(0)
    if info.format not in formats:
        raise NotAnImage
    return info
