"""Citations: the BibTeX bibliography read as pandoc reads it, CSL formatting (citeproc-py), and the metadata that
reference managers read (Highwire, Dublin Core, COinS, BibTeX, RIS, CSL-JSON)."""
