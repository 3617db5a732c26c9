"""Record files: YAML with line and column, the record models, per-file checks (schema, privacy, images, citation
syntax, what contributed text may hold). The lowest layer: it imports no other part of site_builder."""
