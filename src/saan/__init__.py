"""Saan (สาน): software for Thailand's area-based alliances."""
