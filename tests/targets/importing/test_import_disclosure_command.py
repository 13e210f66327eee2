"""`manage.py import_disclosure`: removals only with --allow-removals; a document with rows that could
not be imported fails the run (and writes nothing) unless --allow-errors."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from targets.models import Indicator
from tests.factories import DepartmentFactory

from .test_broken_tables import DOCUMENT as PARTLY_BROKEN

SEED = Path(__file__).resolve().parents[3] / "fixtures" / "disclosures" / "000_890aa3d5553b712d.txt"
TEXT = SEED.read_text(encoding="utf-8")


@pytest.fixture
def office(db):
    return DepartmentFactory(code="OFFICE", name="国务院办公厅")


@pytest.fixture
def cut(tmp_path):
    path = tmp_path / "cut.txt"
    path.write_text(TEXT[: TEXT.index("\t\t社会效益指标\t")], encoding="utf-8")
    return path


def test_a_cut_document_keeps_the_indicators_and_says_so(office, cut, capsys):
    call_command("import_disclosure", str(SEED))
    stored = Indicator.objects.count()
    capsys.readouterr()
    call_command("import_disclosure", str(cut))
    out = capsys.readouterr().out
    assert Indicator.objects.count() == stored
    assert "保留：文件中没有的" in out and "--allow-removals" in out


def test_allow_removals_deletes_them(office, cut, capsys):
    call_command("import_disclosure", str(SEED))
    stored = Indicator.objects.count()
    call_command("import_disclosure", str(cut), "--allow-removals")
    assert "指标：删除" in capsys.readouterr().out
    assert Indicator.objects.count() < stored


def test_rows_that_could_not_be_imported_fail_the_run_and_write_nothing(db, tmp_path, capsys):
    DepartmentFactory(code="TOWN", name="示例镇文化站")
    path = tmp_path / "文化站.txt"
    path.write_text(PARTLY_BROKEN, encoding="utf-8")
    with pytest.raises(CommandError, match=r"文件“文化站\.txt”中有 1 处表格或行未能导入，所有文件均未导入") as error:
        call_command("import_disclosure", str(path))
    assert "--allow-errors" in str(error.value)
    assert "未导入（已撤销）" in capsys.readouterr().out
    assert not Indicator.objects.exists()
    with pytest.raises(CommandError, match="预览，未写入"):
        call_command("import_disclosure", str(path), "--dry-run")
    call_command("import_disclosure", str(path), "--allow-errors")
    assert Indicator.objects.count() == 2


def test_every_demo_document_imports_cleanly(db):
    from budgets.demo import demo_data_ensure

    demo_data_ensure()
    documents = sorted(str(p) for p in SEED.parent.glob("*.txt"))
    call_command("import_disclosure", *documents)
    assert Indicator.objects.exists()
    call_command("import_disclosure", *documents, stdout=(out := StringIO()))  # `make run` runs the demo again
    assert out.getvalue().count("已是最新，没有需要写入的变化") == len(documents)
