"""Citation rendering: citeproc-py's style parser and locales, with our corrections.

The public surface is small and stable (the CLI, the site and the tests use only this):

    style = load_style(path_or_xml, locale=None)   # -> Style, raises StyleError
    proc = Processor(style, items, locale=None, fmt="text")
    proc.bibliography() -> list[str]               # entries in the style's order
    proc.citations(clusters, note_indexes=None) -> list[str]
"""

from .api import Processor, Style, StyleError, load_style

__all__ = ["Processor", "Style", "StyleError", "load_style"]
