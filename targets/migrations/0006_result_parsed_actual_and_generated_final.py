"""Results keep the actual as parsed (as indicators keep their parsed target), the final score
becomes a generated column (the override if any, else the computed score) and the stored
explanation goes: it follows from the inputs and the profile version and is produced when shown."""

import django.db.models.functions.comparison
from django.db import migrations, models

from targets.scoring.values import parse_target


def parse_actuals(apps, schema_editor):
    IndicatorResult = apps.get_model("targets", "IndicatorResult")
    changed = []
    for result in IndicatorResult.objects.exclude(actual_text="").iterator(chunk_size=2000):
        actual = parse_target(result.actual_text)
        result.actual_comparator, result.actual_number, result.actual_unit = actual.comparator, actual.number, actual.unit
        changed.append(result)
    IndicatorResult.objects.bulk_update(changed, ["actual_comparator", "actual_number", "actual_unit"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("targets", "0005_indicatorresult_fillfactor")]

    operations = [
        migrations.AddField(
            model_name="indicatorresult",
            name="actual_comparator",
            field=models.CharField(
                choices=[
                    ("GE", "≥"),
                    ("GT", ">"),
                    ("EQ", "="),
                    ("LE", "≤"),
                    ("LT", "<"),
                    ("RANGE", "区间"),
                    ("QUALITATIVE", "定性"),
                ],
                default="QUALITATIVE",
                max_length=16,
                verbose_name="实际值比较方式",
            ),
        ),
        migrations.AddField(
            model_name="indicatorresult",
            name="actual_number",
            field=models.DecimalField(
                blank=True, decimal_places=6, max_digits=24, null=True, verbose_name="实际数值"
            ),
        ),
        migrations.AddField(
            model_name="indicatorresult",
            name="actual_unit",
            field=models.CharField(blank=True, max_length=32, verbose_name="实际值单位"),
        ),
        migrations.RunPython(parse_actuals, migrations.RunPython.noop),
        migrations.RemoveField(model_name="indicatorresult", name="explanation"),
        migrations.RemoveField(model_name="indicatorresult", name="final_score"),
        migrations.AddField(
            model_name="indicatorresult",
            name="final_score",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.comparison.Coalesce("override_score", "computed_score"),
                output_field=models.DecimalField(decimal_places=2, max_digits=6, null=True),
                verbose_name="最终得分",
            ),
        ),
        migrations.AlterField(
            model_name="indicatorresult",
            name="flag",
            field=models.CharField(
                blank=True,
                choices=[
                    ("met", "达成"),
                    ("not_met", "未达成"),
                    ("over_achieved", "大幅超额完成"),
                    ("needs_judgement", "待评价人评定"),
                    ("judged", "评价人评定"),
                    ("error", "无法计分"),
                ],
                max_length=20,
                verbose_name="结果",
            ),
        ),
    ]
