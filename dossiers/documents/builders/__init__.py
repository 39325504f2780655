"""Contexts of the official documents, one module per family (see ``dossiers.documents.official``)."""
