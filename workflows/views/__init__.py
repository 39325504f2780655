"""Web views of the workflows app."""
