"""Pure logic of the `url_filter` stage: URL normalisation, the shipped and user lists, the rules.

Nothing here imports Beam except `lists` reading user files through Beam's FileSystems;
transforms/url_filter.py is the thin stage on top.

    matching  split and normalise a URL (host: lower case, IDNA, no port or "www."), match a host
              and every parent domain against a table, URL tokens and the squashed URL for words
    lists     the lists shipped in lists/ (EasyList's ad-server domains, FineWeb's word lists) and
              user lists (domains, URL prefixes, words), each parsed once per worker process
    rules     `UrlRules`: the lists put together into one check, URL in, (reason, measurements) out
"""
