"""Server-rendered charts: SVG markup plus a plain-text alternative for each."""
