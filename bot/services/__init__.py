"""Use cases: take an AsyncSession and plain values, return domain results, raise domain errors."""
