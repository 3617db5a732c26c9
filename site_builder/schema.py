"""The published JSON Schema of case files, generated from the Case model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model import Case

SCHEMA_PATH = Path("schema") / "case.schema.json"


def case_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a case file."""
    schema = Case.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def case_schema_text() -> str:
    """The schema as the exact text committed to schema/case.schema.json."""
    return json.dumps(case_schema(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
