"""The program as HR runs it: `settings` (per workspace, every change logged), `stats` (the
figures of `/rotnem admin stats`), `exports` (the CSV files)."""
