"""Pairing rounds, one module per step: `loading` (the engine's inputs), `propose` (a round, or
discarding it), `approve` (pairs made and introduced), `manual` (pairs made by hand, unpairing,
ending pairs), `cycles` (the first session, the end of a cycle) and `queries` (what other
features read). Each module defines the results it returns and the notices it sends."""
