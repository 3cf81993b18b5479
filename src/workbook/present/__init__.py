"""Presentation: report helpers used by notebooks, HTML pages, PDF and the index."""
