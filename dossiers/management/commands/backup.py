from django.core.management.base import BaseCommand, CommandError

from dossiers.backup import BackupError, create_backup

SHOWN = 30


class Command(BaseCommand):
    help = ("Sao lưu cơ sở dữ liệu (SQLite: API sao lưu trực tuyến; PostgreSQL: pg_dump) và các tệp đã lưu vào "
            "một thư mục mới, kèm bảng kê số bản ghi, đầu chuỗi nhật ký và mã băm SHA-256 của từng tệp.")

    def add_arguments(self, parser):
        parser.add_argument("target", help="Thư mục mới (hoặc trống) để ghi bản sao lưu.")

    def handle(self, *args, target, **options):
        try:
            report = create_backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = report.manifest
        head = manifest["audit_head"] or {}
        self.stdout.write(
            f"Đã sao lưu vào {target}: {len(manifest['tables'])} bảng, {sum(manifest['tables'].values())} bản ghi, "
            f"{len(manifest['media'])} tệp.\n"
            f"Đầu chuỗi nhật ký: #{head.get('last_event_id', 0)} {head.get('last_hash', '')}"
        )
        if report.problems:
            for problem in report.problems[:SHOWN]:
                self.stderr.write(problem)
            if len(report.problems) > SHOWN:
                self.stderr.write(f"... và {len(report.problems) - SHOWN} lỗi khác")
            raise CommandError(f"Bản sao lưu thiếu {len(report.problems)} tệp mà cơ sở dữ liệu có nhắc đến.")
