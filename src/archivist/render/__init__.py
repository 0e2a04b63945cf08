"""The render stage: the archive → pages and data files (templates, markup, head, citations, exports, URLs)."""
