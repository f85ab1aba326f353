"""The demo and the national-scale generator: the top layer, free to use every app."""
