"""The published JSON Schema is generated from the model, current, and accepts the real cases."""

from __future__ import annotations

import json

import jsonschema
import yaml

from conftest import PROJECT, REPO, run_cli
from site_builder.records.schema import SCHEMA_PATH, case_schema_text


def test_committed_schema_is_current() -> None:
    committed = (REPO / SCHEMA_PATH).read_text(encoding="utf-8")
    assert committed == case_schema_text(), "schema/case.schema.json is stale: run 'site-builder schema'"


def test_schema_check_command_detects_stale_schema(tmp_path) -> None:
    (tmp_path / "schema").mkdir()
    (tmp_path / SCHEMA_PATH).write_text("{}\n", encoding="utf-8")
    assert run_cli("schema", str(tmp_path), "--check").exit_code == 1
    assert run_cli("schema", str(tmp_path)).exit_code == 0
    assert run_cli("schema", str(tmp_path), "--check").exit_code == 0


def test_every_field_has_a_description() -> None:
    schema = json.loads(case_schema_text())

    def walk(node, where):
        for name, prop in node.get("properties", {}).items():
            assert prop.get("description"), f"{where}.{name} has no description"

    walk(schema, "Case")
    for name, definition in schema["$defs"].items():
        if definition.get("type") == "object":
            walk(definition, name)


def test_real_cases_match_the_json_schema() -> None:
    schema = json.loads(case_schema_text())
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted((PROJECT / "cases").glob("*.yaml"))
    assert files
    for path in files:
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert errors == [], f"{path.name}: {errors[0].message if errors else ''}"


def test_json_schema_rejects_unknown_keys() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(case_schema_text()))
    case = yaml.safe_load((REPO / "tests/roots/minimal/cases/sample-case.yaml").read_text(encoding="utf-8"))
    case["patient"]["sexx"] = "female"
    assert not validator.is_valid(case)


def test_case_files_point_editors_at_the_schema() -> None:
    for path in sorted((PROJECT / "cases").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema/case.schema.json", path.name
