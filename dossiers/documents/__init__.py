"""Official documents (Decree 30/2020/NĐ-CP format): PDF rendering, the URL fetcher, the number register.

- ``render``: ``render_pdf(template_name, context) -> bytes``, ``html_for(template_name, context) -> str``
- ``fetcher``: ``DocumentURLFetcher``, which serves bundled static files and data: URIs only
- ``numbering``: ``allocate_number(issuer=..., type_code=..., year=...) -> DocumentNumber``
- ``formatting``: ``number_line``, ``place_date_line``, ``percent``, ``money`` (also template filters)
- ``official``: ``render_document(kind, obj, **options)``, ``document_html``, ``DOCUMENT_KINDS``: every
  official document by kind (decision, HA submission, certificates, central submission, public notice,
  proposal letter, achievement report), with its builder (``builders``) and its scope (``access``)
- ``store``: the cache of rendered documents by content hash, and rendering large ones in the background

Import from the submodules; this package does not import them, so that loading
the formatting helpers never pulls in WeasyPrint or the models.
"""
