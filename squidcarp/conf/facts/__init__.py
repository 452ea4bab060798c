"""Facts about squid.conf as Squid itself reads it, taken from Squid's source: one module per
subject, one place per fact.

- :mod:`.directives`: directive names, aliases, obsolete and compiled-out names, other versions;
- :mod:`.acl`: ACL types, options and flags, predefined ACLs, the directives that read ACL lists;
- :mod:`.peer`: ``cache_peer`` options in parse_peer()'s order, TLS sub-options, Squid 2.x options;
- :mod:`.scalars`: scalar directive types and defaults, on/off words.

Baseline is Squid 5.7 (git tag ``SQUID_5_7``) as packaged by Debian (GnuTLS build); the 6.x and 7.x
facts come from ``SQUID_6_14`` and ``SQUID_7_6``, old cache_peer options from squid-cache/squid2.
Each constant says which Squid file it comes from. Importing this package loads none of the
tables: a module that needs one imports its subject's module.
"""
