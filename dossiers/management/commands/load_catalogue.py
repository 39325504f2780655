from django.core.management.base import BaseCommand

from dossiers.services.catalogue import load_catalogue


class Command(BaseCommand):
    help = "Nạp danh mục danh hiệu, hình thức khen thưởng theo từng văn bản quy định."

    def add_arguments(self, parser):
        parser.add_argument("--replace", action="store_true",
                            help="Ghi đè văn bản đã có (mất các chỉnh sửa trong trang quản trị).")

    def handle(self, *args, replace=False, **options):
        for result in load_catalogue(replace=replace):
            verb = "đã nạp" if result.created or replace else "đã có, giữ nguyên"
            self.stdout.write(f"{result.regulation}: {result.award_types} danh hiệu, hình thức ({verb})")
