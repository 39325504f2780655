from django.core.management.base import BaseCommand, CommandError

from dossiers.backup import BackupError, check_backup, restore_backup

SHOWN = 30


class Command(BaseCommand):
    help = ("Khôi phục một bản sao lưu (manage.py backup) vào cơ sở dữ liệu và thư mục tệp trống, rồi kiểm tra: "
            "số bản ghi từng bảng, mã băm SHA-256 của từng tệp và chuỗi nhật ký. --check: chỉ kiểm tra bản sao lưu.")

    def add_arguments(self, parser):
        parser.add_argument("source", help="Thư mục bản sao lưu.")
        parser.add_argument("--check", action="store_true",
                            help="Chỉ kiểm tra bản sao lưu còn nguyên vẹn so với bảng kê, không khôi phục.")

    def handle(self, *args, source, check=False, **options):
        try:
            report = check_backup(source) if check else restore_backup(source)
        except BackupError as error:
            raise CommandError(str(error)) from None
        for problem in report.problems[:SHOWN]:
            self.stderr.write(problem)
        if len(report.problems) > SHOWN:
            self.stderr.write(f"... và {len(report.problems) - SHOWN} lỗi khác")
        if report.problems:
            raise CommandError(f"{'Bản sao lưu' if check else 'Dữ liệu khôi phục'} có {len(report.problems)} lỗi.")
        manifest = report.manifest
        head = manifest["audit_head"] or {}
        if check:
            self.stdout.write(f"Bản sao lưu nguyên vẹn: cơ sở dữ liệu và {len(manifest['media'])} tệp đúng bảng kê.")
        else:
            self.stdout.write(
                f"Đã khôi phục và kiểm tra: {len(manifest['tables'])} bảng, {sum(manifest['tables'].values())} bản "
                f"ghi, {len(manifest['media'])} tệp; chuỗi nhật ký toàn vẹn đến #{head.get('last_event_id', 0)}."
            )
