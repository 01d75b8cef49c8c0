"""The article: reading files, stdin and URLs (``source``), cleaning them into text with
numbered sentences and exact offsets (``text``)."""
