import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from budgets.models import Department
from targets.importing.services import DisclosureImportError, disclosure_import


class _PartlyUnreadable(Exception):
    """Some tables or rows could not be read: the whole batch is rolled back."""

    def __init__(self, results):
        super().__init__()
        self.results = results

    def message(self, *, dry_run: bool) -> str:
        errors = sum(len(result.extraction.errors) for result in self.results)
        names = "、".join(f"“{result.name}”" for result in self.results)
        outcome = _("（预览，未写入）") if dry_run else _("，所有文件均未导入")
        return _(
            "文件%(names)s中有 %(n)d 处表格或行未能导入%(outcome)s。核对后如只需导入可读的部分，请加 --allow-errors。"
        ) % {"names": names, "n": errors, "outcome": outcome}


class Command(BaseCommand):
    help = _("从部门预算公开文件（txt/md/html/docx/xlsx/pdf）导入绩效目标。多个文件要么全部导入，要么都不导入。")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help=_("公开文件路径"))
        parser.add_argument("--department", help=_("部门编码（默认按文件中的部门名称匹配）"))
        parser.add_argument("--year", type=int, help=_("预算年度（默认从文件识别）"))
        parser.add_argument("--dry-run", action="store_true", help=_("只解析和预览，不写入"))
        parser.add_argument("--format", choices=["json", "text"], default="text", help=_("输出格式"))
        parser.add_argument(
            "--allow-removals",
            action="store_true",
            help=_("同时删除文件中没有的已有指标（默认保留）"),
        )
        parser.add_argument(
            "--allow-errors",
            action="store_true",
            help=_("有未能导入的表格或行时仍然导入其余内容（默认全部不导入并返回错误）"),
        )

    def handle(self, *args, paths, department, year, dry_run, format, allow_removals, allow_errors, **options):
        target = None
        if department:
            target = Department.objects.filter(code=department).first()
            if target is None:
                raise CommandError(_("部门编码“%(code)s”不存在。") % {"code": department})
        files = []
        for raw in paths:
            path = Path(raw)
            if not path.is_file():
                raise CommandError(_("文件“%(path)s”不存在或不是文件。") % {"path": raw})
            files.append(path)
        results = []
        try:
            with transaction.atomic():
                for path in files:
                    results.append(
                        disclosure_import(
                            content=path.read_bytes(),
                            name=path.name,
                            department=target,
                            year=year,
                            dry_run=dry_run,
                            allow_removals=allow_removals,
                            actor=None,
                        )
                    )
                failed = [result for result in results if result.extraction.errors]
                if failed and not allow_errors:
                    raise _PartlyUnreadable(failed)
        except DisclosureImportError as exc:
            raise CommandError(str(exc)) from exc
        except _PartlyUnreadable as exc:
            self._write(exc.results, format, rolled_back=not dry_run)
            raise CommandError(exc.message(dry_run=dry_run)) from None
        self._write(results, format)

    def _write(self, results, format, *, rolled_back: bool = False):
        if format == "json":
            exports = [result.export() for result in results]
            payload = exports[0] if len(exports) == 1 else exports
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1, default=str))
            return
        for result in results:
            self._write_text(result, rolled_back=rolled_back)

    def _write_text(self, result, *, rolled_back: bool = False):
        report = result.report()
        if result.dry_run:
            mode = _("预览（未写入）")
        elif rolled_back:
            mode = _("未导入（已撤销）")
        elif not result.counts.get("rows_written") and "budget_tables" not in result.counts:
            mode = _("已是最新，没有需要写入的变化")
        else:
            mode = _("已导入")
        self.stdout.write(f"{result.name}：{mode} · {report['department']} · {report['year']} 年")
        found = report["found"]
        self.stdout.write(
            _("  识别：项目 %(p)d 个，部门整体目标表 %(d)d 张，指标 %(i)d 条")
            % {"p": found["projects"], "d": found["department_sheets"], "i": found["indicators"]}
        )
        names = {
            "create": _("新增"),
            "update": _("修改"),
            "delete": _("文件中没有") if result.dry_run else _("删除"),
            "keep": _("保留（文件中没有）"),
            "conflict": _("冲突"),
        }
        kinds = {"project": _("项目"), "funding": _("资金"), "sheet": _("目标表"), "indicator": _("指标")}
        for kind, actions in report["summary"].items():
            text = "，".join(f"{names.get(a, a)} {n}" for a, n in actions.items())
            self.stdout.write(f"  {kinds.get(kind, kind)}：{text}")
        for conflict in report["conflicts"]:
            self.stdout.write(self.style.WARNING(f"  冲突：{conflict['label']}：{conflict['changes']['message']}"))
        if report["kept"]:
            self.stdout.write(
                self.style.WARNING(
                    _("  保留：文件中没有的 %(n)d 条已有指标未删除（确需删除请加 --allow-removals）")
                    % {"n": len(report["kept"])}
                )
            )
            for label in report["kept"]:
                self.stdout.write(f"    {label}")
        for line in report["errors"]:
            self.stdout.write(self.style.ERROR(f"  未导入：{line}"))
        for line in report["skipped"]:
            self.stdout.write(f"  跳过：{line}")
        for line in report["warnings"]:
            self.stdout.write(self.style.WARNING(f"  提示：{line}"))
        section = report.get("self_evaluation")
        if section:
            self.stdout.write(
                _("  绩效自评（%(p)s）：自评结果 %(n)d 条，未变化 %(u)d 条，新建绩效自评 %(e)d 份")
                % {
                    "p": section["period"],
                    "n": section["results"],
                    "u": section["unchanged"],
                    "e": section["evaluations_created"],
                }
            )
            for line in section["skipped"]:
                self.stdout.write(self.style.WARNING(f"  自评跳过：{line}"))
            for line in section["problems"]:
                self.stdout.write(self.style.ERROR(f"  自评未导入：{line}"))
            for line in section["notes"]:
                self.stdout.write(f"  自评提示：{line}")
