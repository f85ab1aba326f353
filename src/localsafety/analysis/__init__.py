"""Pure computation: statistics and spatial analysis over arrays and frames.

No Django, no I/O and nothing of the project (import-linter's ``analysis is pure`` contract):
apps hand this package numbers and store what it returns.

- ``rates``: rates per 1,000 residents (and an adjusted population) with exact Poisson CIs;
- ``trends``: Mann-Kendall with Sen's slope, quasi-Poisson log-linear trend;
- ``seasonality``: month / weekday / hour profiles, the 7 x 24 grid, aoristic weights;
- ``concentration``: top 1 % / 5 % share, Lorenz curve, Gini;
- ``weights``: sparse k-ring weights between H3 cells;
- ``hotspots``: Getis-Ord Gi*, Local Moran's I with quadrants, Benjamini-Hochberg FDR;
- ``density``: quartic kernel density on a grid;
- ``nearrepeat``: Knox test over distance and time bands;
- ``stability``: PAI / PEI of earlier hot spots against later crime.

Each is tested against an independent reference (esda / libpysal, scipy, brute force) in
``analysis/tests``.
"""
