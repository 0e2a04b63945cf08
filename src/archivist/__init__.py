"""archivist: a static-site generator for digital archives of historical documents."""

__version__ = "0.1.0"
