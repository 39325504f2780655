"""Council actions: sessions (sessions.py) and votes (voting.py)."""
