import datetime

from django.core.management.base import BaseCommand, CommandError

from dossiers.services.central_deadlines import send_overdue_alerts


class Command(BaseCommand):
    help = ("Báo cán bộ liên hệ Trung ương các hồ sơ trình Trung ương quá hạn (mỗi bước quá hạn một lần). "
            "Chạy định kỳ cùng workflow_timers.")

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Ngày dùng để tính hạn, dạng YYYY-MM-DD (mặc định: hôm nay).")

    def handle(self, *args, **options):
        today = None
        if options.get("today"):
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today phải có dạng YYYY-MM-DD.") from None
        alerts = send_overdue_alerts(today=today)
        if alerts or options["verbosity"] > 1:
            self.stdout.write(f"{len(alerts)} cảnh báo quá hạn trình Trung ương đã gửi.")
