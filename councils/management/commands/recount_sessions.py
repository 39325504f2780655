from django.core.management.base import BaseCommand, CommandError

from councils.models import CouncilSession, SessionState
from councils.services.sessions import recount


class Command(BaseCommand):
    help = "Đếm lại phiếu của các phiên họp đã ký biên bản và so với kết quả đã lưu."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true",
                            help="Kiểm tra cả phiên họp đã kết thúc bỏ phiếu nhưng chưa ký biên bản.")

    def handle(self, *args, all=False, **options):
        states = [SessionState.FINALISED]
        if all:
            states += [SessionState.VOTING_CLOSED, SessionState.RESULTS_CONFIRMED]
        problems = 0
        sessions = CouncilSession.objects.filter(state__in=states).order_by("date", "id")
        for session in sessions:
            differing = recount(session)
            if differing:
                problems += len(differing)
                self.stderr.write(f"{session}: kết quả đếm lại khác kết quả đã lưu ở {len(differing)} nội dung:")
                for item in differing:
                    self.stderr.write(f"  - {item}")
        if problems:
            raise CommandError(f"Đếm lại phát hiện {problems} nội dung không khớp.")
        self.stdout.write(f"Đếm lại {sessions.count()} phiên họp: kết quả khớp.")
