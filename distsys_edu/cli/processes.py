"""``python -m distsys_edu.cli.processes node|keeper ...``: the two kinds of process the
launcher starts (:mod:`distsys_edu.net.children`), their arguments parsed here.

* ``node RUN_DIR NAME --fd FD --listening-since T [--incarnation I] [--parent PID]``:
  one node, on the UDP socket it inherits as ``FD``
  (:func:`~distsys_edu.net.node_process.run_node`);
* ``keeper RUN_DIR [--owner PID] [--ready FD]``: ends every node of the run when the
  run ends (:func:`~distsys_edu.net.keeper.keep`).

Nobody types these: ``distsys-edu net up`` and ``Cluster.up`` start them.
"""

from __future__ import annotations

import argparse
import sys

from ..net.keeper import keep
from ..net.node_process import run_node


def parser() -> argparse.ArgumentParser:
    """The parser of both process kinds."""
    top = argparse.ArgumentParser(prog="python -m distsys_edu.cli.processes")
    kinds = top.add_subparsers(dest="kind", required=True)
    node = kinds.add_parser("node", help="one node process")
    node.add_argument("run_dir")
    node.add_argument("name")
    node.add_argument("--fd", type=int, required=True, help="the bound UDP socket")
    node.add_argument("--incarnation", type=int, default=0)
    node.add_argument("--listening-since", type=float, required=True)
    node.add_argument("--parent", type=int, help="end when this process ends")
    keeper = kinds.add_parser("keeper", help="ends the run's nodes when the run ends")
    keeper.add_argument("run_dir")
    keeper.add_argument("--owner", type=int, help="end the nodes when this process ends")
    keeper.add_argument("--ready", type=int, help="a pipe to close after the first look")
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the process that ``argv`` names; its exit status."""
    args = parser().parse_args(argv)
    if args.kind == "keeper":
        return keep(args.run_dir, args.owner, args.ready)
    return run_node(
        args.run_dir, args.name, args.fd, args.incarnation, args.listening_since, args.parent
    )


if __name__ == "__main__":
    sys.exit(main())
