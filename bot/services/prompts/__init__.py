"""Weekly prompts: `chooser` (which prompt, pure), `history` (what each pair had), `tick` (the
weekly fan-out), `catalogue` (what the prompts are, for HR)."""
