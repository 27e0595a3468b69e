"""Page-number pagination with bounds, used by every paginated API operation.

django-ninja's own ``PageNumberPagination`` accepts any page number from 1 upwards, so
``?page=99999999999999999999`` reached the database as an offset too large for a 64-bit
integer (a server error). Here the page and page size have upper bounds and a larger value
is a 422 validation error like any other bad query parameter.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 1_000


class PageNumberPagination(NinjaPageNumberPagination):
    """``?page=`` from 1 to 1,000,000 and ``?page_size=`` from 1 to 1,000."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)
