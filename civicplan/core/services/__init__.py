"""Core's own writes: `Job` rows (`jobs`). Rate-limit counters stay in `core.ratelimit`,
where every hit is counted (see the comment there)."""
