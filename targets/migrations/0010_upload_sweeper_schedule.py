from django.db import migrations

NAME = "每5分钟处理超时的上传"
DESCRIPTION = "排队或处理中超过 IMPORT_JOB_TIMEOUT_MINUTES 的上传标记为“处理超时”，可在其页面重新处理（命令：time_out_stuck_uploads）。"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    every, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.create(
        name=NAME, task="targets.time_out_stuck_uploads", interval=every, description=DESCRIPTION, enabled=True
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0009_disclosureimport_queue_states"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
