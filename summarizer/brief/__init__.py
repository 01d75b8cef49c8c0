"""The brief: its Pydantic models and vocabularies, the single source of truth for the JSON
Schema, the field text sent to the model, validation and the renderers."""
