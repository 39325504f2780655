"""Password hashing: Argon2id with parameters sized for a small web server.

Django's default Argon2 parameters take 100 MiB of memory for every password
check; with two gunicorn workers on a 2-core machine that alone lifted each
worker from about 150 to about 250 MiB at every sign-in (bench/bench_load.py).
OWASP's recommended minimum for Argon2id is 19 MiB with 2 iterations and one
lane: that is what we use. Hashes made with other parameters still verify and
are re-hashed with these at the next sign-in (``must_update``).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class ServerArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
