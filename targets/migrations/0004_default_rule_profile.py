from django.db import migrations


def create_default(apps, schema_editor):
    RuleProfile = apps.get_model("targets", "RuleProfile")
    if not RuleProfile.objects.filter(name="默认规则").exists():
        RuleProfile.objects.create(name="默认规则", version=1, is_current=True,
                                   reason="performance-rules.md 的默认数值（财预〔2020〕10号等）")


def remove_default(apps, schema_editor):
    apps.get_model("targets", "RuleProfile").objects.filter(name="默认规则", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("targets", "0003_scoring_and_monitoring")]
    operations = [migrations.RunPython(create_default, remove_default)]
