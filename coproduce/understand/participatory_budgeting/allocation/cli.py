"""Command line: ``coproduce-pb FILE.pb --rule {mes-add1,mes,greedy}``.

Prints the selected project ids, one per line, in the order the rule picked
them, then one line with the money spent.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .explain import render_outcome
from .pabulib import PabulibError, format_number, parse_pabulib
from .profile import AllocationError
from .rules import RULES, allocate


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (kept separate so that tests can inspect it)."""
    parser = argparse.ArgumentParser(
        prog="coproduce-pb",
        description="Allocate a participatory budget from a pabulib .pb file.",
    )
    parser.add_argument("file", metavar="FILE.pb", help="the election, in pabulib format")
    parser.add_argument("--rule", choices=RULES, required=True, help="allocation rule")
    parser.add_argument(
        "--greedy-completion",
        action="store_true",
        help="after Equal Shares, spend what is left greedily by votes (off by default)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="after the usual output, print a sentence per project saying why",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the process exit status.

    Invariant: exit status 0 and the documented output on success; 2 with a
    message on standard error for a bad file or bad arguments.
    """
    args = build_parser().parse_args(argv)
    try:
        election = parse_pabulib(args.file)
        outcome = allocate(
            election, args.rule, explain=args.explain, greedy_completion=args.greedy_completion
        )
    except PabulibError as exc:
        print(f"{args.file}: line {exc.line}: {exc.reason} [{exc.code}]", file=sys.stderr)
        return 2
    except (AllocationError, OSError) as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 2
    lines = list(outcome.selected)
    lines.append(format_number(outcome.spent))
    if args.explain and outcome.explanations is not None:
        lines.append("")
        for pid, sentence in render_outcome(outcome, election.currency).items():
            lines.append(f"{pid}: {sentence}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
