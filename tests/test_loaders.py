"""The fast loading path gives what the plain one gives: libyaml and the pure-Python loader agree on values,
positions and problems, the walk over libyaml's events gives what composing nodes gives, and the privacy screen's
quick pre-tests never skip a text that a rule matches."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, ROOTS
from site_builder.records import yamlsource
from site_builder.records.privacy import RULES, STRICT_RULES, find_identifiers, rules_per_text
from site_builder.records.yamlsource import LOADER, Located, YamlError, loads
from test_errors import BAD, CASE
from test_privacy import HARMLESS, IDENTIFYING
from test_properties import documents, yamlish

PROPERTY = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
SAMPLE_CASE = (ROOTS / "minimal" / CASE).read_text(encoding="utf-8")
needs_libyaml = pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML built without libyaml")


def outcome(text: str, loader: type) -> tuple:
    """What loading gives: the values with every position, or where the problem is (the two parsers word some
    syntax errors differently; the explanation built from them may differ, never its place)."""
    try:
        located: Located = loads(text, loader)
    except YamlError as exc:
        return ("error", exc.line, exc.column)
    return ("loaded", located.data, located.values, located.keys, located.texts, located.number_keys, list(located.values), list(located.keys))


def assert_loaders_agree(text: str) -> None:
    """Same values and positions, or a problem at the same position.

    On some broken syntax the two parsers differ (libyaml accepts a tab after a value and a byte-order mark after
    '---', places an empty complex key and an unclosed '[' elsewhere); the mistakes of test_errors and the hostile
    documents below are held to the same place."""
    assert outcome(text, LOADER) == outcome(text, yaml.CSafeLoader) == outcome(text, yaml.SafeLoader)


@needs_libyaml
@pytest.mark.parametrize("name", [name for name, bad in BAD.items() if bad.path == CASE])
def test_c_and_pure_loaders_agree_on_each_bad_case(name: str) -> None:
    bad = BAD[name]
    text = SAMPLE_CASE.replace(bad.old, bad.new, 1)
    assert text != SAMPLE_CASE
    assert_loaders_agree(text)


@needs_libyaml
def test_c_and_pure_loaders_agree_on_the_sample_case() -> None:
    kind, data, values, keys, *_ = outcome(SAMPLE_CASE, yaml.CSafeLoader)
    assert kind == "loaded" and data == yaml.safe_load(SAMPLE_CASE) and values[("id",)] == (3, 5)
    assert_loaders_agree(SAMPLE_CASE)


@needs_libyaml
@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # an alias of a scalar
        "a: &x [1, 2]\nb: *x\n",  # of a list
        "a: *nothing\n",  # an undefined alias
        "a: 1\nb: *x\nc: [\n",  # an alias before a syntax error: the alias is reported first
        "a: 1\na: 2\nb: &x 1\nc: *x\n",  # a duplicate key before an alias: the alias is reported first, as one pass meets it
        "[" * 41 + "]" * 41,
        "[" * 40 + "]" * 40,
        "[" * 5000 + "]" * 5000,  # deep enough to exhaust the stack if it were composed
        "".join(f"{'  ' * i}k:\n" for i in range(45)),
        "- " * 45 + "x\n",
        "- " * 3000 + "x\n",
        "a: !!binary aGk=\n",
        "a: !!python/object:os.system x\n",
        "? [a, b]\n: c\n",
        "a: 2020-13-45\n",
        "a: 2020-01-02\nb: 1e3\nc: 0x1f\nd: yes\ne: ~\nf: '1'\n",
        "---\na: 1\n---\nb: 2\n",
    ],
)
def test_c_and_pure_loaders_agree_on_hostile_yaml(text: str) -> None:
    assert_loaders_agree(text)


@needs_libyaml
@PROPERTY
@given(documents)
def test_c_and_pure_loaders_agree_on_any_document(data: object) -> None:
    assert_loaders_agree(yaml.safe_dump(data, allow_unicode=True))


# Text with the pieces the privacy rules look for: digits, separators, month and weekday names, honorifics, '@'.
PIECES = [t for t, _, _ in IDENTIFYING] + HARMLESS + ["12", "1961", "-", "/", ".", " ", "\n", "March", "Mon", "Dr", "@", "ı", "İ", "ſ", "y", "ninety", "age ", "of", "Dec", "Decreased", "Sept", "Sunday", "Tues", "Monitor", "_", "é"]


@PROPERTY
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=12).map("".join))
def test_a_rule_matches_only_texts_that_pass_its_quick_test(text: str) -> None:
    for rule in RULES + STRICT_RULES:
        if rule.pattern.search(text):
            assert rule.needs(text), (rule.name, text)


@PROPERTY
@given(st.lists(st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=6).map("".join), max_size=8), st.booleans())
def test_the_rules_chosen_for_each_text_include_every_rule_that_can_match_it(texts: list[str], strict: bool) -> None:
    for text, chosen in zip(texts, rules_per_text(texts, strict), strict=True):
        assert all(rule in chosen for rule in RULES + (STRICT_RULES if strict else ()) if rule.pattern.search(text))
        assert find_identifiers(text, strict, chosen) == find_identifiers(text, strict)


# Ages and decades in digits and words, above and below 90 (a rule's own check of what it found decides there).
AGE_PIECES = ["90", "89", "95's", "09", "099", "100", "1995", "٩٥", "9", " ", "-", "year-old", " years old", " years of age", "aged ", "age of ", "his ", "her ", "s", "'s", "y/o", "ninety", "Nınety", "one hundred", "centenarian", "nineties"]


def _without_quick_tests(rules: tuple) -> tuple:
    return tuple(rule.__class__(rule.name, rule.pattern, rule.advice, rule.accept) for rule in rules)


@PROPERTY
@given(st.lists(st.sampled_from(AGE_PIECES + PIECES) | st.text(max_size=3), max_size=10).map("".join), st.booleans())
def test_a_rule_skipped_by_its_check_of_the_text_finds_nothing_there(text: str, strict: bool) -> None:
    """Rule.finds (the age rule: a run of two or three digits above 89, or a word for such an age) turns a rule away
    from a text only when everything the rule matches there would be refused: what is found stays the same."""
    rules = RULES + (STRICT_RULES if strict else ())
    found = [(rule.name, matched) for rule, matched in find_identifiers(text, strict)]
    assert found == [(rule.name, matched) for rule, matched in find_identifiers(text, strict, _without_quick_tests(rules))]


def test_the_age_rule_runs_only_where_an_age_above_89_can_stand() -> None:
    from site_builder.records.privacy import AGE_RULE

    assert not AGE_RULE.finds("A healthy 39-year-old, since the age of 5 [@lee1998synth, Section 2.3]")
    assert all(AGE_RULE.finds(text) for text in ("a 95-year-old", "aged 100", "in her 90's", "a ninety-one-year-old", "a centenarian"))


def test_the_scan_of_a_file_goes_on_after_each_text_a_hint_matches() -> None:
    """rules_per_text searches a hint again from the text after the last one a match touched: a match that runs
    over two texts, and matches in texts further on, all count."""
    texts = ["no digits", "the record", "number 12345678 given", "plain", "MRN 1234567", "x", "patient no 99999999", "Dr Smith"]
    chosen = rules_per_text(texts)
    for text, rules in zip(texts, chosen, strict=True):
        assert set(rules_per_text([text])[0]) <= set(rules), text
    assert [i for i, rules in enumerate(chosen) if RULES[12] in rules] == [1, 2, 4, 6]  # 'record\nnumber' touches two texts
    assert [i for i, rules in enumerate(chosen) if RULES[14] in rules] == [2, 4, 6]  # six digits or more
    assert RULES[12].name == RULES[14].name == "record number"


@pytest.mark.parametrize("text", [t for t, _, _ in IDENTIFYING])
def test_quick_tests_keep_every_identifying_example(text: str) -> None:
    everything = _without_quick_tests(RULES)
    found = [(rule.name, matched) for rule, matched in find_identifiers(text)]
    assert [(rule.name, matched) for rule, matched in find_identifiers(text, rules=everything)] == found != []
    among_others = rules_per_text(["Decreased redness by day 12 [@doe2020sample]", text, "Dr"])[1]
    assert [(rule.name, matched) for rule, matched in find_identifiers(text, rules=among_others)] == found


@PROPERTY
@given(documents)
def test_the_strings_listed_while_loading_are_the_strings_of_the_data(data: object) -> None:
    from site_builder.records.privacy import clinical_text, clinical_texts
    from site_builder.records.yamlsource import strings

    try:
        located = loads(yaml.safe_dump({"title": "t", "source": data, "figures": [{"image": data, "caption": data}], "x": data}, allow_unicode=True))
    except YamlError:
        return
    assert located.texts == list(strings(located.data))
    assert clinical_texts(located) == list(clinical_text(located.data))


def node_positions(node: yaml.Node, path: tuple = (), values: dict | None = None, keys: dict | None = None) -> tuple[dict, dict]:
    """Every value's and key's position as the pure-Python composer marks them: the loader's tables, worked out apart."""
    values = {} if values is None else values
    keys = {} if keys is None else keys
    values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            node_positions(item, (*path, i), values, keys)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = yaml.SafeLoader("").construct_object(key_node)
            keys[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            node_positions(value_node, (*path, key), values, keys)
    return values, keys


DEEP = "a:\n  - b: 1\n    c:\n      - x\n      - {d: y, e: [z, 'w']}\n  - - q\n    - r: s\n      t: >-\n        u\n        v\n"


def test_every_position_deep_in_lists_is_where_the_composer_puts_it() -> None:
    located = loads(DEEP)
    assert located.data == yaml.safe_load(DEEP)
    assert (located.values, located.keys) == node_positions(yaml.compose(DEEP, Loader=yaml.SafeLoader))
    assert located.values[("a", 1, 1, "t")] == (8, 10) and located.keys[("a", 0, "c")] == (3, 5)
    assert [path for path, _ in located.texts] == [("a", 0, "c", 0), ("a", 0, "c", 1, "d"), ("a", 0, "c", 1, "e", 0), ("a", 0, "c", 1, "e", 1), ("a", 1, 0), ("a", 1, 1, "r"), ("a", 1, 1, "t")]


@pytest.mark.parametrize("aliases", [False, True])  # with a '*' in the text, the walk also looks for shared nodes
def test_a_duplicate_key_deep_in_lists_is_reported_where_it_stands(aliases: bool) -> None:
    text = DEEP.replace("      t: >-", "      r: >-") + ("# *\n" if aliases else "")
    with pytest.raises(YamlError) as raised:
        loads(text)
    assert (raised.value.line, raised.value.column, raised.value.field) == (8, 7, "a[1][1].r")
    assert raised.value.message == "duplicate key 'r' (first given on line 7). Keep one of them"


def test_a_key_with_a_colon_deep_in_lists_is_refused_every_time() -> None:
    text = DEEP.replace("b: 1", "'b:c': 1")
    for _ in range(2):  # keys that passed are remembered; a bad one never is
        with pytest.raises(YamlError) as raised:
            loads(text)
        assert (raised.value.line, raised.value.column) == (2, 5) and "must be a non-empty single line" in raised.value.message


def test_loading_tells_whether_a_mapping_key_is_a_number() -> None:
    """The disk cache keeps a record's data as JSON, which would turn a number key into a string: loading says."""
    assert loads("a:\n  b: 1\n  '2': x\n").number_keys is False
    assert loads("a:\n  - 2: x\n").number_keys is True
    assert loads("2: x\n").number_keys is True


@pytest.mark.parametrize("events", [True, False])
def test_a_key_that_is_not_text_or_a_number_is_named_as_written(events: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """`null:` and `~:` are two keys, reported as typed, not 'None' twice; `yes:` is not 'True'; a date stays as
    written. Both loading paths (libyaml's events, composed nodes) agree."""
    monkeypatch.setattr(yamlsource, "EVENTS_ALONE", events)
    located = loads("null: a\n~: b\nyes: c\nOff: d\n2024-01-31: e\n1.50: f\n")
    assert list(located.data) == ["null", "~", "yes", "Off", "2024-01-31", "1.50"]
    assert located.keys[("~",)] == (2, 1)
    with pytest.raises(YamlError) as raised:
        loads("a: 1\nnull: x\nNULL: y\nnull: z\n")
    assert (raised.value.line, raised.value.field, raised.value.message) == (4, "null", "duplicate key 'null' (first given on line 2). Keep one of them")


@pytest.mark.parametrize("events", [True, False])
@pytest.mark.parametrize(("text", "position"), [("a: =\n", (1, 4)), ("a: [b, =]\n", (1, 8)), ("a:\n  =: x\n  b: =\n", (3, 6))])
def test_a_lone_equals_sign_is_named_with_its_fix(events: bool, text: str, position: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """yaml.safe_load cannot read a lone '=' as a value either (YAML 1.1's 'value key'); the message says to quote
    it, where it stands, and a quoted one is text. As a mapping key it is text, as yaml.safe_load reads it."""
    monkeypatch.setattr(yamlsource, "EVENTS_ALONE", events)
    assert loads("=: 1\nb:\n  =: 2\n").data == yaml.safe_load("=: 1\nb:\n  =: 2\n") == {"=": 1, "b": {"=": 2}}
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(text)
    with pytest.raises(YamlError) as raised:
        loads(text)
    assert (raised.value.line, raised.value.column) == position
    assert raised.value.message == "a lone '=' is not a value YAML reads. Write it in quotes: '='"
    assert loads(text.replace("=", "'='")).data == yaml.safe_load(text.replace("=", "'='"))


def loaded_or_error(text: str) -> tuple:
    """What loads() gives with the record loader, in full: values, positions, texts and order, or the whole problem."""
    try:
        located = loads(text)
    except YamlError as exc:
        return ("error", exc.message, exc.line, exc.column, exc.field)
    return ("loaded", repr(located.data), located.values, located.keys, located.texts, located.number_keys, list(located.values), list(located.keys))


def assert_events_agree(text: str, monkeypatch: pytest.MonkeyPatch) -> bool:
    """The walk over libyaml's events gives what composing the nodes gives, problems word for word (repr: NaN);
    True when the events walk loaded the text itself rather than leave it to composing."""
    walked = yamlsource._from_events(text)
    fast = loaded_or_error(text)
    with monkeypatch.context() as patch:
        patch.setattr(yamlsource, "EVENTS_ALONE", False)
        assert loaded_or_error(text) == fast
    if walked is not None:
        assert ("loaded", repr(walked.data), walked.values, walked.keys, walked.texts, walked.number_keys, list(walked.values), list(walked.keys)) == fast
    return walked is not None


# YAML 1.1 as yaml.safe_load reads it: booleans, nulls, numbers, dates, tags, keys of every kind, styles of text.
EDGES = [
    "a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: n\ng: true\nh: False\n",
    "a: ~\nb: null\nc:\nd: Null\ne: ''\nf: \"\"\n",
    "a: 0o17\nb: 017\nc: 0x1F\nd: 1_000\ne: 1:30\nf: +12\ng: -0\nh: 0b101\ni: 12e3\n",
    "a: .inf\nb: -.Inf\nc: .nan\nd: 1.5e3\ne: 1_0.5\nf: 6.8523015e+5\ng: 190:20:30.15\nh: .5\n",
    "a: 2024-01-05\nb: 2001-12-14t21:59:43.10-05:00\nc: 2001-12-14 21:59:43.10\nd: 2020-13-45\ne: 2002-12-14\n",
    "a: !!str 12\nb: !!int '12'\nc: !!float 1\nd: ! 12\ne: !!bool yes\nf: !!null ''\n",
    "a: !!int x\n", "a: !!binary aGk=\n", "a: !!set {x, y}\n", "a: !!omap [x: 1]\n", "!!map {a: 1}\n", "a: !local x\n",
    "1: a\n2.5: b\ntrue: c\n~: d\n2024-01-05: e\n'3': f\n",
    "a: &x 1\n", "a: &x 1\nb: *x\n", "<<: {a: 1}\nb: 2\n", "a: 1\na: 2\n", "a: 1\n'a': 2\n", "1: a\n'1': b\n", "1: a\n0x1: b\n",
    "a:b: 1\n", "'a:b': 1\n", "? [a]\n: b\n", "? a\n: b\n", "[1, 2]: x\n", "'': x\n", "'a\\nb': x\n",
    "a: |\n  one\n   two\n\n  three\nb: >-\n  folded\n  text\n\n  para\nc: |+\n  keep\n\nd: >2\n   indented\n",
    "a: \"\\x41\\u00e9\\N\\_\\L\\P\\t\\\\ \\\"\"\nb: 'it''s'\nc: plain\n  continued\n  lines\n",
    "a: [1, 'b', {c: d}, [e]]\nb: {x: 1, y: [2, 3]}\n", "- a\n- - b\n  - c\n- d: e\n  f: g\n", "just text\n", "12\n", "~\n", "",
    "---\na: 1\n", "---\na: 1\n...\n", "a: 1\n---\nb: 2\n", "%YAML 1.1\n---\na: 1\n", "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
    "\ufeffa: 1\n", "a: 1\r\nb: 2\r\n", "a:\n\t- b\n", "a: 'x\x07y'\n", "a: \"x\\x07y\"\n", "a: [\n", "a: b: c\n", "a:\n  - b\n c: d\n",
    "a: \u2028x\n", "a: \U0001F600\n", "a: \x85x\n", "a:\n  b:\n    c:\n      d: 1\n", "[" * 41 + "]" * 41, "[" * 40 + "]" * 40,
    "".join(f"{'  ' * i}k{i}:\n" for i in range(45)), "".join(f"{'  ' * i}k{i}:\n" for i in range(39)) + "  " * 39 + "x: 1\n",
]


@needs_libyaml
@pytest.mark.parametrize("text", EDGES)
def test_the_event_walk_gives_what_composing_gives_on_yaml_edges(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_events_agree(text, monkeypatch)


@needs_libyaml
def test_the_event_walk_loads_plain_records_and_leaves_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    assert assert_events_agree(SAMPLE_CASE, monkeypatch)
    assert assert_events_agree("a: yes\nb: 2024-01-05\n1: x\nc: [1.5, ~, 'q']\n", monkeypatch)
    for text in ("a: &x 1\n", "a: 1\na: 2\n", "a: !!str x\n", "a: [\n", "a: 1\n---\nb: 2\n", "", "[" * 41 + "]" * 41):
        assert not assert_events_agree(text, monkeypatch), text


@needs_libyaml
@pytest.mark.parametrize("name", [name for name, bad in BAD.items() if bad.path == CASE])
def test_the_event_walk_gives_what_composing_gives_on_each_bad_case(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = BAD[name]
    assert_events_agree(SAMPLE_CASE.replace(bad.old, bad.new, 1), monkeypatch)


@needs_libyaml
def test_the_event_walk_gives_what_composing_gives_on_every_record_file(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [p for folder in (REPO / "cases", REPO / "studies", ROOTS) if folder.is_dir() for p in sorted(folder.rglob("*.y*ml"))]
    assert len(paths) > 5
    walked = [assert_events_agree(p.read_bytes().decode("utf-8").removeprefix("\ufeff"), monkeypatch) for p in paths]
    assert any(walked)


@needs_libyaml
@PROPERTY
@given(yamlish)
def test_the_event_walk_gives_what_composing_gives_on_yaml_like_text(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert_events_agree(text, monkeypatch)


@needs_libyaml
@PROPERTY
@given(documents)
def test_the_event_walk_gives_what_composing_gives_on_any_document(data: object) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert_events_agree(yaml.safe_dump(data, allow_unicode=True), monkeypatch)
