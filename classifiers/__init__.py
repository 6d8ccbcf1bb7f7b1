"""Model-based scorers (language ID; later quality, safety, math) with their train/evaluate commands.

Nothing here imports the pipeline: a classifier is usable from a notebook as well as from a stage.
"""
