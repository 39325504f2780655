"""Web views of the dossiers app, one module per page group."""
