"""Settings of the load benchmark's gunicorn (bench.bench_load): the production settings, plus one bench URL.

Everything comes from ``config.settings`` and the environment exactly as in production (DEBUG off
unless ``DJANGO_DEBUG``, persistent database connections, the manifest static storage); only the URL
configuration differs: ``bench.load_urls`` mounts the product's URLs and, beside them, the bare JSON
view the benchmark's baseline run requests. The product itself never has that URL.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
