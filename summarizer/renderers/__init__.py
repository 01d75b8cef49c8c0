"""Renderers of briefs: JSON, terminal, Markdown and HTML (``formats``), memos over several
briefs (``memo``, ``merge``), what changed between two (``diff``); Jinja templates."""
