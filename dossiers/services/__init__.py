"""State changes live here: one module per aggregate, each function one transaction."""
