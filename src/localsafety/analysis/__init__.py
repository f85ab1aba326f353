"""Pure computation: statistics and spatial analysis over arrays and frames.

No Django, no I/O and nothing of the project (import-linter's ``analysis is pure`` contract):
apps hand this package numbers and store what it returns.
"""
