import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from budgets.models import Department
from targets.importing.services import DisclosureImportError, disclosure_import


class Command(BaseCommand):
    help = _("从部门预算公开文件（txt/md/html/docx/xlsx/pdf）导入绩效目标。多个文件要么全部导入，要么都不导入。")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help=_("公开文件路径"))
        parser.add_argument("--department", help=_("部门编码（默认按文件中的部门名称匹配）"))
        parser.add_argument("--year", type=int, help=_("预算年度（默认从文件识别）"))
        parser.add_argument("--dry-run", action="store_true", help=_("只解析和预览，不写入"))
        parser.add_argument("--format", choices=["json", "text"], default="text", help=_("输出格式"))

    def handle(self, *args, paths, department, year, dry_run, format, **options):
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
                            actor=None,
                        )
                    )
        except DisclosureImportError as exc:
            raise CommandError(str(exc)) from exc
        if format == "json":
            exports = [result.export() for result in results]
            payload = exports[0] if len(exports) == 1 else exports
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1, default=str))
            return
        for result in results:
            self._write_text(result)

    def _write_text(self, result):
        report = result.report()
        mode = _("预览（未写入）") if result.dry_run else _("已导入")
        self.stdout.write(f"{result.name}：{mode} · {report['department']} · {report['year']} 年")
        found = report["found"]
        self.stdout.write(
            _("  识别：项目 %(p)d 个，部门整体目标表 %(d)d 张，指标 %(i)d 条")
            % {"p": found["projects"], "d": found["department_sheets"], "i": found["indicators"]}
        )
        names = {"create": _("新增"), "update": _("修改"), "delete": _("删除"), "conflict": _("冲突")}
        kinds = {"project": _("项目"), "funding": _("资金"), "sheet": _("目标表"), "indicator": _("指标")}
        for kind, actions in report["summary"].items():
            text = "，".join(f"{names.get(a, a)} {n}" for a, n in actions.items())
            self.stdout.write(f"  {kinds.get(kind, kind)}：{text}")
        for conflict in report["conflicts"]:
            self.stdout.write(self.style.WARNING(f"  冲突：{conflict['label']}：{conflict['changes']['message']}"))
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
