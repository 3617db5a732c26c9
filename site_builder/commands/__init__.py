"""The commands behind `site-builder` that write files: new-case, publish and withdraw, problem reports."""
