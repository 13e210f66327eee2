"""The same disclosure as HTML, Word, Excel and PDF imports to the same targets."""

import pytest

from budgets.readers import read_document
from targets.importing.extract import extract
from tests.documents import BUILDERS, EXPECTED


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_every_format_gives_the_same_targets(kind):
    build, name = BUILDERS[kind]
    document = read_document(build(), name)
    assert document.format == kind
    extraction = extract(document)
    (project,) = extraction.projects
    assert project.name == "河道保洁"
    assert project.fields["implementing_unit"] == "示例县水利站"
    assert str(project.fundings["annual"].total) in {"80", "80.0"}
    assert project.goals["annual"] == "全年河道保洁无死角。"
    found = [(i.level1, i.level2, i.level3, i.value) for i in project.indicators]
    assert found == EXPECTED
    assert all(i.period == "annual" for i in project.indicators)
    assert (extraction.department, extraction.year) == ("示例县水利站", 2025)
