"""The read stage: record files → typed `Record`s (readers, dates, strict YAML)."""
