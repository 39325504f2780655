"""The council API under /api/v1/: sessions, agenda, attendance, votes, results and minutes.

Routes in ``urls`` (included by ``dossiers.api.urls``), views in ``views``,
shapes in ``serializers``. Every change goes through ``councils.services``.
"""
