"""winnow's stages: one module per stage, each a thin Beam wrapper around pure functions on text."""
