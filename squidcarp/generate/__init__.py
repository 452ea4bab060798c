"""Generating an array's files from one description: what every member and every browser needs.

Stages, one module each: :mod:`templates` (where the jinja2 templates live and the environment
that renders them) -> :mod:`pac` (the client-side CARP PAC file, proxy.pac / wpad.dat, that
ranks members in the browser exactly as Squid does).
"""
