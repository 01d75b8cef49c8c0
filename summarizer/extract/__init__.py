"""Extraction strategies: one or more model calls that turn an article into an extraction.
A new strategy goes in its own module here and in ``registry``; ``prompts`` renders the
templates, ``parse`` and ``wording`` read items off spaCy's parse."""
