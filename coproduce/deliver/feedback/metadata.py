"""Evidence photos keep the picture and nothing else.

A mystery shopper's photo can carry who took it: the camera's EXIF block (GPS position,
the time to the second, the phone's make, model and serial number, an owner or artist
name), XMP, JPEG comments and PNG text chunks (an author, a description, software). The
shopper is anonymous to the provider, so every photo is decoded and written again with
only its pixels (``strip_image_metadata``): the stored file has none of that. A photo
taken on its side is turned upright first, as the camera's orientation tag said, so it
still looks the same once the tag is gone.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

#: What a re-encoded picture keeps of its source's ``info``: only what drawing it needs.
KEEP = frozenset({"transparency"})
JPEG_QUALITY = 90


def strip_image_metadata(data: bytes, image_format: str) -> bytes:
    """``data`` (a JPEG or PNG already checked by ``identify_image``) written again in
    ``image_format`` with its pixels only. Raises ``OSError`` if Pillow cannot decode it."""
    with Image.open(io.BytesIO(data)) as source:
        source.load()
        upright = ImageOps.exif_transpose(source)  # a copy, turned as the tag said
    upright.info = {k: v for k, v in upright.info.items() if k in KEEP}
    out = io.BytesIO()
    if image_format == "JPEG":
        upright.save(out, format="JPEG", quality=JPEG_QUALITY)
    else:
        upright.save(out, format=image_format)
    return out.getvalue()
