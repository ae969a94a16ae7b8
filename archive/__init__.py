"""commentary-archive: archive published commentaries and cite them."""

__version__ = "0.1.0"
