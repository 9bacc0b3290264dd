"""Seeded content: the result catalogue and other data the app loads into its database."""
