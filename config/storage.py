"""Static files storage: hashed names and compression, tolerant of vendor CSS.

Some vendor stylesheets (viewflow's bundled Roboto font CSS) refer to font
files they do not ship; the strict manifest storage would stop collectstatic
on them. Such references are left as they are instead.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            return name
