"""The published JSON Schemas of record files (cases, studies), generated from their models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from site_builder.records.model import Case
from site_builder.records.study import Study

SCHEMA_PATH = Path("schema") / "case.schema.json"
STUDY_SCHEMA_PATH = Path("schema") / "study.schema.json"
SCHEMAS: dict[Path, type[BaseModel]] = {SCHEMA_PATH: Case, STUDY_SCHEMA_PATH: Study}


def model_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a record model."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema()}


def case_schema() -> dict[str, Any]:
    """The JSON Schema of a case file."""
    return model_schema(Case)


def schema_text(model: type[BaseModel]) -> str:
    """A schema as the exact text committed under schema/."""
    return json.dumps(model_schema(model), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def case_schema_text() -> str:
    """The case schema as committed to schema/case.schema.json."""
    return schema_text(Case)
