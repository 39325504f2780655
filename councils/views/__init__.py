"""Web views of the councils app: sessions (sessions.py), ballots and tallies (voting.py), files (documents.py)."""
