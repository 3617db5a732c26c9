"""Rebuilds a project the way `mkdocs serve` does, on request: what the preview tests drive in a subprocess.

    python tests/preview_driver.py MKDOCS_YML SITE_DIR [--dirty]

Like `mkdocs serve` (mkdocs/commands/serve.py), it starts the plugins once for the command 'serve', then for every
line 'build' on stdin loads the configuration again and builds with the preview's address, into the same folder,
and answers 'ok' or 'failed: ...'. A subprocess, since MkDocs keeps one instance of such a plugin per process.
"""

from __future__ import annotations

import logging
import sys

from mkdocs.commands.build import build
from mkdocs.config import load_config

SERVE_URL = "http://127.0.0.1:8000/"


def main(argv: list[str]) -> int:
    config_file, site_dir, *flags = argv
    dirty = "--dirty" in flags
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(message)s")

    def get_config():  # noqa: ANN202
        config = load_config(config_file=config_file, site_dir=site_dir)
        config.site_url = SERVE_URL
        return config

    get_config().plugins.on_startup(command="serve", dirty=dirty)
    for line in sys.stdin:
        if line.strip() != "build":
            continue
        try:
            build(get_config(), serve_url=SERVE_URL, dirty=dirty)
        except Exception as exc:  # noqa: BLE001 - reported to the test, as `mkdocs serve` logs it and carries on
            print(f"failed: {type(exc).__name__}: {exc}", flush=True)
        else:
            print("ok", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
