"""The report outside Block Kit: its charts as PNG images and the self-contained HTML page."""
