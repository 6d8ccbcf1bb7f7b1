"""The benchmark registry and the n-gram index that stage `decontaminate` reads.

Empty in this version: the registry, its data and the index arrive with the decontamination issue.
"""
