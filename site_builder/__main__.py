"""`python -m site_builder`: the `site-builder` command, for a checkout without the installed script."""

from site_builder.cli import main

main(prog_name="site-builder")
