"""Orchestration: one article through the pipeline (``pipeline``), a corpus (``batch``), a
gold set (``evaluate``), a folder of recordings replayed (``fixtures``)."""
