"""Data: the canonical tables, readers, mapping, coercion, validation and the sample."""
