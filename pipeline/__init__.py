"""winnow's driver: the CLI, the config, the DAG assembly, the manifest."""

__version__ = "0.1.0"
