"""`python -m pipeline.crawl ...` is `winnow crawl ...`."""
import sys

from pipeline.crawl.cli import main

sys.exit(main())
