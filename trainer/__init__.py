"""CPT Trainer: the Qt-free core (bank, quiz files, codes, grading, catalog, CLI)."""

__version__ = "0.1.0"
