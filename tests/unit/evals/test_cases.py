"""Case files: the DESIGN.md format, and clear errors for bad ones."""

from __future__ import annotations

import textwrap

import pytest

from evals.cases import CaseError, load_cases, select

GOOD = """\
cases:
- id: one
  tags: [dev, logs]
  turns:
  - message: widget alpha fails
    attachments:
    - {name: a.log, text: "WIDGET-ALPHA-FAIL"}
  - message: it started on Monday
  expect: {cause: alpha-cause, also_ok: [beta-cause]}
- id: two
  tags: [test]
  turns:
  - message: what is a good pizza recipe
  expect: {cause: null}
"""


def write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


class TestLoad:
    def test_reads_turns_attachments_and_expectations(self, tmp_path):
        one, two = load_cases([write(tmp_path, "c.yaml", GOOD)])
        assert [t.message for t in one.turns] == ["widget alpha fails", "it started on Monday"]
        assert one.turns[0].attachments == (("a.log", "WIDGET-ALPHA-FAIL"),)
        assert one.accepted == {"alpha-cause", "beta-cause"}
        assert (two.expected, two.accepted) == (None, {None})

    def test_folder_is_walked_recursively(self, tmp_path):
        write(tmp_path / "sub", "c.yml", GOOD)
        write(tmp_path, "notes.txt", "not a case file")
        assert [c.id for c in load_cases([tmp_path])] == ["one", "two"]

    def test_select_by_any_tag(self, tmp_path):
        cases = load_cases([write(tmp_path, "c.yaml", GOOD)])
        assert [c.id for c in select(cases, ["logs", "test"])] == ["one", "two"]
        assert [c.id for c in select(cases, ["test"])] == ["two"]
        assert len(select(cases, [])) == 2


class TestErrors:
    def error(self, tmp_path, text, **kwargs) -> str:
        with pytest.raises(CaseError) as err:
            load_cases([write(tmp_path, "bad.yaml", text)], **kwargs)
        return str(err.value)

    def test_unknown_field_names_file_case_and_field(self, tmp_path):
        message = self.error(tmp_path, GOOD.replace("tags: [test]", "tagz: [test]"))
        assert "bad.yaml: case 'two': tagz: unknown field" in message

    def test_missing_expect(self, tmp_path):
        text = GOOD.replace("  expect: {cause: null}\n", "")
        assert "case 'two': expect: Field required" in self.error(tmp_path, text)

    def test_turn_without_message_or_attachment(self, tmp_path):
        text = GOOD.replace("what is a good pizza recipe", "''")
        assert "case 'two': turns[0]: needs a message or attachments" in self.error(tmp_path, text)

    def test_unknown_expected_cause(self, tmp_path):
        message = self.error(tmp_path, GOOD, known_causes={"alpha-cause"})
        assert (
            "case 'one': expect.also_ok: not a cause in the knowledge base, got 'beta-cause'"
            in (message)
        )

    def test_duplicate_ids_across_files(self, tmp_path):
        write(tmp_path, "a.yaml", GOOD)
        write(tmp_path, "b.yaml", GOOD)
        with pytest.raises(CaseError, match=r"b\.yaml: case 'one': id: duplicate"):
            load_cases([tmp_path])

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("cases: [\n", "bad.yaml:2: not valid YAML"),
            ("hello: world\n", "bad.yaml: cases: Field required"),
            ("cases: []\n", "bad.yaml: cases: List should have at least 1 item"),
        ],
    )
    def test_not_a_case_file(self, tmp_path, text, expected):
        assert expected in self.error(tmp_path, text)

    def test_missing_path(self, tmp_path):
        with pytest.raises(CaseError, match="nowhere: no such file or folder"):
            load_cases([tmp_path / "nowhere"])

    def test_bad_id_spelling(self, tmp_path):
        message = self.error(tmp_path, GOOD.replace("id: two", "id: Two Words"))
        assert "cases[1]" not in message and "case 'Two Words': id: String should match" in message
