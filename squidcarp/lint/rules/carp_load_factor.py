"""Legacy ``carp-load-factor=``: CARP silently disappears on Squid 3.4 and later.

Squid 2.5 configured CARP with a per-peer ``carp-load-factor=F`` whose values had to add up to
1.0 (it asserted at start otherwise). Squid 2.6–3.3 reject the option; Squid 3.4 and later, 5.x
included, log ``ERROR: Ignoring unknown cache_peer option`` and exit 0 — the peers stay, but no
longer as CARP members, so every URL goes to the first parent that is up. Run
``squidcarp migrate`` to rewrite each factor as ``carp weight=N`` with the same shares. With
``--squid-version 2.5`` the rule instead checks that the factors add up to 1.0.

Bad::

    cache_peer a.example.net parent 3128 0 carp-load-factor=0.3
    cache_peer b.example.net parent 3128 0 carp-load-factor=0.7

Good::

    cache_peer a.example.net parent 3128 0 carp weight=3
    cache_peer b.example.net parent 3128 0 carp weight=7
"""

from __future__ import annotations

from collections.abc import Iterator

from squidcarp.conf.facts.peer import LEGACY_OPTION
from squidcarp.lint.context import LintContext
from squidcarp.lint.diagnostic import Finding, Severity

CODE = "SC108"
NAME = "carp-load-factor"
SEVERITY = Severity.ERROR



def check(ctx: LintContext) -> Iterator[Finding]:
    if not any(o.text.startswith(LEGACY_OPTION)
               for peer in ctx.config.peers for o in peer.unknown_options):
        return
    # Only a config with legacy factors pays for importing the exact arithmetic (fractions).
    from fractions import Fraction

    from squidcarp.conf.migrate import legacy_peers, share, smallest_weights, weights_problem

    # Squid 2.5 carpInit: assert((int)(1000 * sum) == 1000), i.e. sum in [1.0, 1.001).
    sum_low, sum_high = Fraction(1), Fraction(1001, 1000)
    legacy = legacy_peers(ctx.config.peers)
    for lp in legacy:
        if lp.problem is not None:
            yield Finding(lp.option.token.pos, f"'{lp.option.token.text}' {lp.problem}")
    factors = [lp.factor for lp in legacy if lp.factor is not None]
    total = sum(factors, Fraction(0))
    if ctx.squid_version == "2.5":
        if not sum_low <= total < sum_high:
            first = legacy[0].option.token
            yield Finding(first.pos,
                          f"carp-load-factor values add up to {share(total)}, not 1.0: "
                          "Squid 2.5 aborts at start (assertion in carpInit)")
        return
    weights = smallest_weights(factors)
    too_big = weights_problem(weights)
    usable = [lp for lp in legacy if lp.factor is not None]
    for lp, weight in zip(usable, weights, strict=True):
        tok = lp.option.token
        advice = (f"use 'carp weight={weight}' instead" if too_big is None
                  else f"carp weight= cannot give this share: {too_big}")
        if ctx.squid_version in ("2.6", "2.7", "3"):
            effect = "Squid 2.6 to 3.3 reject the option and stop"
        elif lp.peer.carp:
            effect = ("Squid 3.4+ ignores it with an ERROR and exits 0; the peer is a CARP member "
                      f"through 'carp' with weight {lp.peer.weight}, not this factor's share")
        else:
            effect = ("Squid 3.4+ ignores it with an ERROR and exits 0, so this peer is silently "
                      "not a CARP member")
        note = "" if sum_low <= total < sum_high else f" (the factors add up to {share(total)})"
        yield Finding(tok.pos,
                      f"legacy '{tok.text}' on peer '{lp.peer.name}': {effect}; {advice}{note}",
                      end_column=tok.pos.column + len(tok.raw_or_text))
