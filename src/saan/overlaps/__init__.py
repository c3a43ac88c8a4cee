"""Overlaps and gaps: the same work done twice, and the places where nobody works."""
