"""Pages: the loaded project rendered through the Jinja templates to finished pages, citations resolved to numbered
markers and reference lists, open data; independent of any engine."""
