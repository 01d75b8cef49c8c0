"""What is read off each grounded item: attribution, modality and event (``attribution``),
and which demands later sentences answer (``link``)."""
