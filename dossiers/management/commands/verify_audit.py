from django.core.management.base import BaseCommand, CommandError

from dossiers.models import AuditChainHead, AuditEvent
from dossiers.services.audit import check_known_heads, verify_chain


def known_head(value: str) -> tuple[int, str]:
    event_id, _, event_hash = value.partition(":")
    if not event_id.isdigit() or len(event_hash) != 64:
        raise ValueError(value)
    return int(event_id), event_hash.lower()


class Command(BaseCommand):
    help = "Kiểm tra chuỗi nhật ký: phát hiện sự kiện bị sửa, xóa, chèn thêm hoặc đổi thứ tự."

    def add_arguments(self, parser):
        parser.add_argument(
            "--known-head", action="append", default=[], type=known_head, metavar="SỐ:MÃ_BĂM",
            help="Đầu chuỗi đã ghi lại bên ngoài cơ sở dữ liệu (nhật ký sao lưu, manifest.json), dạng "
                 "163:a0b7...; sự kiện đó phải còn nguyên. Dùng được nhiều lần.",
        )

    def handle(self, *args, known_head=(), **options):
        problems = verify_chain() + check_known_heads(list(known_head))
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Nhật ký KHÔNG toàn vẹn: {len(problems)} lỗi.")
        self.stdout.write(f"Nhật ký toàn vẹn: {AuditEvent.objects.count()} sự kiện.")
        head = AuditChainHead.objects.filter(pk=1).first()
        if head is not None:
            self.stdout.write(f"Đầu chuỗi: {head.last_event_id}:{head.last_hash}")
