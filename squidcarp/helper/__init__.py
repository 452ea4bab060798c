"""squidcarp-helper: one Squid helper program in three roles (url_rewrite, store_id, external_acl).

Stages, one module each, importing only what they need (Squid starts many helper processes, so
start-up time and memory count):

* :mod:`escape` — Squid's %-escaping of helper fields (lib/rfc1738.c);
* :mod:`formats` — Squid format strings (``url_rewrite_extras``, ``external_acl_type`` formats)
  compiled into field layouts;
* :mod:`protocol` — the sans-IO line codec: bytes -> requests (channel ID, URL, named fields) or
  malformed lines with a reason; replies -> bytes, quoted as Squid parses them;
* :mod:`storeid` — Store-ID rules in ``storeid_file_rewrite``'s DB format, one combined regex;
* :mod:`roles` — what each role answers;
* :mod:`owner` — "which CARP member serves this URL", imported only when asked for;
* :mod:`runner` — the thin stdin/stdout loop: a batch in, a batch of replies out, reloads;
* :mod:`main` — the command line (``squidcarp-helper ROLE [options]``).
"""
