"""Rules shared by every report: calendar, links, families, statistics, params, text."""
