"""Pagination over SQLAlchemy selects, and the id converter for URLs."""
from flask_smorest import Page
from sqlalchemy import func, select
from werkzeug.routing import BaseConverter, ValidationError

from ..extensions import db
from .schemas.fields import MAX_ID


# Lists page by 100, up to 1000 a page: a day's schedule fits in one.
PAGES = {"page_size": 100, "max_page_size": 1000}


def matching(query, model, filters: dict):
    """Narrow a select to rows whose columns equal the given filter values."""
    for field, value in filters.items():
        query = query.where(getattr(model, field) == value)
    return query


class QueryPage(Page):
    """A page of a SQLAlchemy select: counted and sliced in the database, not in Python."""

    @property
    def item_count(self):
        return db.session.scalar(select(func.count()).select_from(self.collection.subquery()))

    @property
    def items(self):
        if self.page_params.first_item > MAX_ID:  # past any real table, and past SQL's integers
            return []
        query = self.collection.offset(self.page_params.first_item).limit(self.page_params.page_size)
        return list(db.session.scalars(query))


class IdConverter(BaseConverter):
    """`<id:name>`: a positive id that fits the database's integer, else the URL does not match (404)."""

    regex = r"[1-9][0-9]{0,9}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return str(value)
