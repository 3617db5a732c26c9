"""What is written for any engine: the plain Markdown tree, the atomic site folder, the search index."""
