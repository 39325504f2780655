from django.core.management.base import BaseCommand, CommandError

from workflows.demo import PASSWORD, DemoDataExists, build_demo, demo_exists, demo_logins, format_logins


class Command(BaseCommand):
    help = ("Tạo dữ liệu mẫu tỉnh Lai Châu: đơn vị, tài khoản dùng thử cho mọi vai trò, lịch sử khen thưởng "
            "2021-2026 và các hồ sơ năm 2026 ở nhiều trạng thái.")

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="Bỏ qua (không báo lỗi) khi dữ liệu mẫu đã có.")
        parser.add_argument("--logins", action="store_true",
                            help="Chỉ in bảng tài khoản dùng thử.")

    def handle(self, *args, if_empty=False, logins=False, **options):
        if logins:
            if not demo_exists():
                raise CommandError("Chưa có dữ liệu mẫu: chạy manage.py load_demo trước.")
            self.stdout.write(format_logins(demo_logins()))
            return
        if if_empty and demo_exists():
            self.stdout.write("Dữ liệu mẫu đã có, giữ nguyên.")
            return
        try:
            rows = build_demo(stdout=self.stdout)
        except DemoDataExists as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Đã tạo dữ liệu mẫu. Mật khẩu chung: {PASSWORD}"))
        if options.get("verbosity", 1) > 1:
            self.stdout.write(format_logins(rows))
