"""Seed the reason codes Home Affairs picks from when returning a dossier."""

from django.db import migrations

REASONS = [
    ("missing_document", "Thiếu tài liệu theo thành phần hồ sơ", "document", 10),
    ("wrong_form", "Tài liệu không đúng mẫu quy định", "document", 20),
    ("unsigned", "Tài liệu chưa ký, đóng dấu", "document", 30),
    ("insufficient_achievement", "Thành tích chưa đủ tiêu chuẩn của hình thức đề nghị", "nomination", 40),
    ("missing_initiative", "Thiếu xác nhận phạm vi ảnh hưởng của sáng kiến, đề tài", "nomination", 50),
    ("data_mismatch", "Thông tin người, tập thể được đề nghị không khớp (họ tên, chức vụ, năm)", "nomination", 60),
    ("wrong_award", "Hình thức khen thưởng đề nghị chưa phù hợp", "nomination", 70),
    ("wrong_procedure", "Không đúng thủ tục, tuyến trình", "dossier", 80),
    ("other", "Lý do khác", "dossier", 90),
]


def seed(apps, schema_editor):
    ReturnReason = apps.get_model("dossiers", "ReturnReason")
    for code, name, applies_to, order in REASONS:
        ReturnReason.objects.get_or_create(code=code, defaults={"name": name, "applies_to": applies_to,
                                                                 "order": order})


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0003_review_eligibility_notice")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
