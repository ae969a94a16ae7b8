"""The static catalog: an index page and a page per record (see :mod:`archive.catalog`)."""
