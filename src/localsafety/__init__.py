"""LocalSafety: Portugal's Local Safety Contracts from diagnosis to evaluation."""
