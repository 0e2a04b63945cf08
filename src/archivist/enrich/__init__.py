"""The enrich stage: facts derived from the records (participants, people, the archive)."""
