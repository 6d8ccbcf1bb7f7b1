"""`winnow crawl`: a polite crawler whose WARC files the pipeline reads (transforms/ingest).

One job per module:

    addresses.py  which IP addresses may be connected to (no SSRF through DNS or redirects)
    fetch.py      one safe HTTP GET: resolve, check, connect to the checked IP, bounded time and size
    robots.py     robots.txt per origin (RFC 9309 fetch rules, protego, TTL cache, Crawl-delay)
    links.py      URL normalisation, <a href> discovery, meta robots / X-Robots-Tag
    scope.py      which URLs belong to the crawl (same site as a seed, or an allow-list)
    frontier.py   per-host queues, seen set, politeness (delay, one connection per host), retries
    journal.py    the resume state: an append-only JSON-lines journal in the output directory
    warc_out.py   rolling WARC writer (.warc.gz.open -> .warc.gz when complete)
    stats.py      counters, the progress line, crawl.json and the summary
    crawler.py    the worker threads tying the above together
    cli.py        `main(argv)`: the command line
"""
