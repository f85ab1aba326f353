"""Activities as carried out under a plan's measures, or as isolated actions (see issue 10)."""
