"""Pure HTTP semantics (RFC 9110): media types, dates, preconditions, ranges, codings."""
