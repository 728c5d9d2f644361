"""Pure logic of the pipeline: reading, segmenting, deduplicating and extracting brochures."""
