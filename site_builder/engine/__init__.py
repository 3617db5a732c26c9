"""The MkDocs adapter: the plugin's options and a project's settings read from mkdocs.yml, pages handed to MkDocs as
finished HTML, the incremental preview of `mkdocs serve`, the navigation."""
