"""HTML -> main text: math rewriting, a fast lexbor path, trafilatura, and the policy combining them.

Pure functions on strings and trees; the Beam stage in `transforms/extract.py` only wraps them.
"""
