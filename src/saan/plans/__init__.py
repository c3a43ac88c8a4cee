"""Joint plans and co-investment: one plan per area, many partners' money."""
