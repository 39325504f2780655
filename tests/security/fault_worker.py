"""Test-only task worker: ``manage.py db_worker``, held still in the middle of rendering a PDF.

The rendering records its progress after laying out a part, as always, then
waits for the test's lock before it writes the file: the job is under way, its
document says "rendering", and the test kills the worker there.

    python -m tests.security.fault_worker [db_worker options]
"""

import sys

import django


def main(argv: list[str]) -> None:
    django.setup()
    from django.core.management import call_command

    from dossiers.documents import render
    from tests.security.fault_hold import hold

    pdf_from_parts = render.pdf_from_parts

    def held_pdf_from_parts(parts, *, progress=None):
        def progress_then_hold(done, total):
            if progress is not None:
                progress(done, total)
            hold()

        return pdf_from_parts(parts, progress=progress_then_hold)

    render.pdf_from_parts = held_pdf_from_parts
    call_command("db_worker", *argv)


if __name__ == "__main__":
    main(sys.argv[1:])
