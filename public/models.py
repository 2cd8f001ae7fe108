"""The public site has no tables of its own: the search index it shows moved to ``search``."""
