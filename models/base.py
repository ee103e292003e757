"""The declarative base: one naming convention, and UTC-aware timestamps on every backend."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated

from sqlalchemy import CheckConstraint, DateTime, Integer, MetaData, String
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always an aware UTC datetime in Python.

    SQLite has no time-zone type and hands back naive values; normalising here keeps every
    comparison in the services between aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}


# The column shapes every table repeats: a surrogate key, and Slack IDs (team, user, channel).
IntPK = Annotated[int, mapped_column(Integer, primary_key=True, autoincrement=True)]
SlackId = Annotated[str, mapped_column(String(32))]


def _check(column: str, condition: str, nullable: bool, name: str | None) -> CheckConstraint:
    return CheckConstraint(
        f"{column} IS NULL OR {condition}" if nullable else condition, name=name or column
    )


def one_of(
    column: str, values: Iterable[str], *, nullable: bool = False, name: str | None = None
) -> CheckConstraint:
    """CHECK that `column` holds one of `values` (an enum's, so the two cannot drift apart)."""
    listed = ", ".join(f"'{value}'" for value in values)
    return _check(column, f"{column} IN ({listed})", nullable, name)


def between(
    column: str, low: int, high: int, *, nullable: bool = False, name: str | None = None
) -> CheckConstraint:
    """CHECK that `column` lies in [low, high]."""
    return _check(column, f"{column} BETWEEN {low} AND {high}", nullable, name)
