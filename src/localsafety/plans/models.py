"""Intervention plans: objectives, measures, indicators and resources (see issue 10)."""
