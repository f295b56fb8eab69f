"""marsad — Arabic-native extraction of structured conflict events from news reports."""

__version__ = "0.1.0"

__all__ = ["__version__"]
