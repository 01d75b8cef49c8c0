"""Grounding: matching quotes and words to the article (``align``) and the checks that an
answer's evidence bears out its claims (``checks``). Generic over the models it checks."""
