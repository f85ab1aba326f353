"""Imports of crime data: police incident records and published statistics (issue 9)."""
