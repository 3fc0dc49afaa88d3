"""The launcher: start a cluster of node processes, break it, watch it, end it.

>>> with Cluster.up("raft", nodes=5, run_dir="run") as cluster:   # doctest: +SKIP
...     leader, term = cluster.wait_for_leader(timeout=10)
...     cluster.kill(leader)
...     trace = cluster.trace()

Every command works on a run directory (see :mod:`.rundir`), so the command line
can start a cluster in one process and break it from another. A node process
ends on :meth:`Cluster.down`, when the run directory is removed, and (for a
cluster tied to the process that started it, the default of :meth:`Cluster.up`)
when that process ends or is interrupted with Ctrl-C.

Ports: the launcher binds every node's UDP socket itself (port 0: the kernel
picks a free one) and hands it to the node process, so two clusters never
collide; a restarted node binds its old port again.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Any

from ..protocols.cluster import node_names
from ..protocols.registry import get_spec
from ..runtime import Fault, FaultScheduleError, Trace
from ..runtime.errors import check_probability, invalid
from .children import (
    READY_TIMEOUT,
    STOP_TIMEOUT,
    NetError,
    bind,
    ended,
    pid_alive,
    runs_in,
    start_keeper,
    start_node,
    stop_processes,
    wait_until,
)
from .claim import starting
from .dropfilter import FilterPublisher
from .factories import cluster_factories, spec_origin
from .merge import merged_trace
from .rundir import (
    DEFAULT_DIR,
    LOOPBACK,
    ClusterConfig,
    RunDir,
    append_line,
    cluster_clock,
    write_private,
)
from .status import NodeStatus, agreed_leader_above_term, node_statuses


class Cluster:
    """A cluster of node processes, through its run directory.

    Args:
        run_dir: the directory of a cluster started with :meth:`up`.

    Raises:
        NetError: no cluster was started there.
    """

    def __init__(self, run_dir: str | os.PathLike[str] = DEFAULT_DIR) -> None:
        self.run = RunDir(run_dir)
        if not self.run.cluster_file.exists():
            raise NetError(f"dir={str(self.run.path)!r} holds no cluster: start one with net up")
        self.config = self.run.config()
        self.filters = FilterPublisher(self.run, self.config)

    # -- starting ---------------------------------------------------------------

    @classmethod
    def up(
        cls,
        protocol: str,
        nodes: int = 5,
        run_dir: str | os.PathLike[str] = DEFAULT_DIR,
        *,
        options: dict[str, Any] | None = None,
        host: str = LOOPBACK,
        seed: int | None = None,
        tied: bool = True,
    ) -> Cluster:
        """Start ``nodes`` processes running ``protocol``; return when each has started.

        Args:
            protocol: a name from the protocol registry (see :func:`.spec_origin`).
            nodes: how many nodes (named ``n1``...).
            run_dir: the run directory (created owner-only).
            options: keyword arguments of the protocol's ``spawn_cluster``.
            host: the address to listen on; anything but 127.0.0.1 exposes the
                ports to the LAN (the key still keeps strangers out).
            seed: seeds each node's ``ctx.rng`` (default: random).
            tied: end the nodes when this process ends (``False``: they run on,
                in their own session, until ``down``). This process owns the
                cluster then: a node restarted later, by any process, still ends
                when this one does (the cluster's keeper sees to it, paused
                nodes included; see :mod:`.keeper`).

        Raises:
            InvalidArgument: a bad protocol, node count or options, or a
                ``run_dir`` that is not empty and not one of ours (see :mod:`.claim`).
            NetError: a live cluster already runs in ``run_dir``, or another
                command is starting one there.
        """
        names, options = node_names(nodes), dict(options or {})
        seed = secrets.randbits(32) if seed is None else seed
        spawned = cluster_factories(protocol, names, options, seed)  # checks both
        clients = [name for name in spawned if name not in names]  # raftlog's KV clients
        run = RunDir(run_dir)
        with starting(run):
            write_private(run.key_file, secrets.token_hex(32))
            sockets = {name: bind(host, 0) for name in [*names, *clients]}
            config = ClusterConfig(
                protocol=get_spec(protocol).name,  # an alias (kv) is stored as its name
                nodes=[*names, *clients],
                clients=clients,
                ports={name: s.getsockname()[1] for name, s in sockets.items()},
                options=json.loads(json.dumps(options)),
                host=host,
                start=time.monotonic(),
                seed=seed,
                **spec_origin(get_spec(protocol)),
            )
            write_private(run.cluster_file, json.dumps(asdict(config), sort_keys=True))
            owner = os.getpid() if tied else None
            run.save_state(
                {"pids": {}, "incarnations": {}, "paused": [], "tied": tied, "owner": owner}
            )
            cluster = cls(run.path)
            cluster._start(sockets)
        return cluster

    def _start(self, sockets: dict[str, socket.socket]) -> None:
        """Start the keeper, and each node on its bound socket; return when all run.

        On any failure (or Ctrl-C), whatever was started is ended.
        """
        try:
            keeper_ready = start_keeper(self.run)
            for name, sock in sockets.items():
                start_node(self.run, self.config.start, name, sock, 0)
            self._wait_ready(sockets)
            keeper_ready()
        except BaseException:
            self.down()
            raise

    def _wait_ready(self, names: Iterable[str]) -> None:
        """Wait until each of ``names`` published its first status."""
        for name in names:
            path = self.run.node_file(name, "status.json")
            pid = self.run.state()["pids"][name]

            def ready(path: Path = path, pid: int = pid, name: str = name) -> bool:
                if path.exists():
                    return True
                if not pid_alive(pid):
                    log = self.run.node_file(name, "log").read_text()[-2000:]
                    raise NetError(f"node {name} ended at start-up:\n{log}")
                return False

            wait_until(ready, READY_TIMEOUT, f"node {name} to start")

    # -- looking -----------------------------------------------------------------

    def pid(self, node: str) -> int:
        """The pid of ``node``'s latest process.

        Raises:
            InvalidArgument: not a node of this cluster.
        """
        self._check_node(node, server=False)
        pid: int = self.run.state()["pids"][node]
        return pid

    def pids(self) -> dict[str, int]:
        """Every node's latest pid."""
        pids: dict[str, int] = self.run.state()["pids"]
        return dict(pids)

    def status(self) -> list[NodeStatus]:
        """Each node: pid, whether it lives, and what it last published."""
        return node_statuses(self.run, self.config.nodes)

    def leader(self) -> str | None:
        """The one live, unpaused node that says it leads, if exactly one does."""
        leaders = [s.name for s in self.status() if s.state == "up" and s.role == "leader"]
        return leaders[0] if len(leaders) == 1 else None

    def wait_for(self, condition: Callable[[list[NodeStatus]], bool], timeout: float) -> None:
        """Poll :meth:`status` until ``condition(statuses)`` holds.

        Raises:
            NetError: it did not within ``timeout`` seconds.
        """
        wait_until(lambda: condition(self.status()), timeout, "the cluster's status")

    def wait_for_leader(
        self, timeout: float, *, among: Iterable[str] | None = None, above_term: int = -1
    ) -> tuple[str, int]:
        """Wait until the cluster (or the nodes ``among``) agrees on one leader.

        Agreement (:func:`~.status.agreed_leader_above_term`): exactly one of those nodes that
        is up says it leads, in a term above ``above_term``, and every other one that
        is up names it as its leader. Paused and dead nodes are left out, as they
        cannot answer.

        Returns:
            The leader's name and its term.

        Raises:
            NetError: no such agreement within ``timeout`` seconds (real ones).
        """
        chosen = set(self.config.servers if among is None else among)
        for name in chosen:
            self._check_node(name)
        found: list[tuple[str, int] | None] = [None]

        def agreed(statuses: list[NodeStatus]) -> bool:
            found[0] = agreed_leader_above_term(statuses, chosen, above_term)
            return found[0] is not None

        self.wait_for(agreed, timeout)
        assert found[0] is not None
        return found[0]

    def trace(self) -> Trace:
        """The merged trace of every node and the launcher (see :mod:`.merge`)."""
        return merged_trace(self.run)

    # -- faults ------------------------------------------------------------------

    def kill(self, node: str) -> None:
        """``kill -9`` node ``node`` (SIGKILL), and record a crash."""
        self._check_node(node)
        pid = self.pid(node)
        if pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
            wait_until(partial(ended, pid), STOP_TIMEOUT, f"node {node} to end")
            self._log("crash", node)
        self._set_paused(node, False)

    def pause(self, node: str) -> None:
        """Freeze node ``node`` (SIGSTOP), as a long GC pause would."""
        pid = self._live_pid(node)
        os.kill(pid, signal.SIGSTOP)
        self._set_paused(node, True)
        self._log("pause", node)

    def resume(self, node: str) -> None:
        """Let a paused node ``node`` run again (SIGCONT); return once it runs with the
        cluster's current drop filter (changed, perhaps, while it was frozen)."""
        pid = self._live_pid(node)
        os.kill(pid, signal.SIGCONT)
        self._set_paused(node, False)
        self._log("resume", node)
        self._send_filter([node])

    def restart(self, node: str) -> None:
        """Kill node ``node`` if it runs, then start a fresh process on its port.

        Only its ``ctx.storage`` (a file) survives, as in the simulator. Returns once
        the new process runs with the cluster's current drop filter.
        """
        self.kill(node)
        keeper = self.run.state().get("keeper")
        if keeper is None or not pid_alive(keeper):  # ended by an earlier down
            start_keeper(self.run)()
        incarnation = self.run.state()["incarnations"][node] + 1
        sock = bind(self.config.host, self.config.ports[node], retry=STOP_TIMEOUT)
        start_node(self.run, self.config.start, node, sock, incarnation)
        self._wait_ready([node])
        self._send_filter([node])

    def partition(self, groups: str | Iterable[Iterable[str]]) -> None:
        """Cut every link between two groups, both ways: ``"n1,n2|n3,n4,n5"``.

        Raises:
            InvalidArgument: not two groups of distinct nodes of this cluster.
        """
        allowed = "must be two groups of nodes that share none, like n1,n2|n3,n4,n5"
        try:
            sides = (
                Fault.parse(f"0 partition {groups}").args[0] if isinstance(groups, str) else groups
            )
            a, b = (tuple(side) for side in sides)
        except (FaultScheduleError, ValueError, TypeError):
            raise invalid("groups", groups, allowed) from None
        for name in (*a, *b):
            self._check_node(name)
        if not a or not b or set(a) & set(b):
            raise invalid("groups", groups, allowed)
        cut = {(x, y) for x in a for y in b} | {(y, x) for x in a for y in b}
        self._set_filter(lambda old: {"blocked": sorted({*map(tuple, old["blocked"]), *cut})})
        self._log("partition", data={"a": list(a), "b": list(b), "one_way": False})

    def heal(self) -> None:
        """End every partition."""
        self._set_filter(lambda old: {"blocked": []})
        self._log("heal")

    def loss(self, probability: float) -> None:
        """Every node drops each message it sends with ``probability``."""
        probability = check_probability("loss", probability)
        self._set_filter(lambda old: {"loss": probability})
        self._log("link", data={"loss": probability})

    # -- ending ------------------------------------------------------------------

    def down(self) -> None:
        """End every node process and the keeper: SIGCONT and SIGTERM, then SIGKILL
        after :data:`~.children.STOP_TIMEOUT` (see :func:`~.children.stop_processes`)."""
        state = self.run.state()
        nodes = [pid for pid in state.get("pids", {}).values() if runs_in(self.run, pid)]
        keeper = state.get("keeper")
        stop_processes([*nodes, *([keeper] if keeper and runs_in(self.run, keeper) else [])])
        if state:
            with self.run.edit_state() as state:
                state["paused"] = []

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.down()

    # -- helpers -----------------------------------------------------------------

    def _check_node(self, node: str, *, server: bool = True) -> None:
        """Refuse a name that is not a node (with ``server``: not a server) of this cluster."""
        names = self.config.servers if server else self.config.nodes
        if node not in names:
            raise invalid("node", node, f"must be one of {', '.join(names)}")

    def _live_pid(self, node: str) -> int:
        self._check_node(node)
        pid = self.pid(node)
        if not pid_alive(pid):
            raise NetError(f"node={node!r} is not allowed: it is not running")
        return pid

    def _set_paused(self, node: str, paused: bool) -> None:
        with self.run.edit_state() as state:
            others = [n for n in state["paused"] if n != node]
            state["paused"] = [*others, node] if paused else others

    def _log(self, kind: str, node: str | None = None, data: Any = None) -> None:
        """Record what the launcher did, as a trace row."""
        row: dict[str, Any] = {"t": cluster_clock(self.config.start), "kind": kind}
        if node is not None:
            row["node"] = node
        if data is not None:
            row["data"] = data
        append_line(self.run.control_log, row)

    def _set_filter(self, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """Change the drop filter (``change(current)`` gives the fields that change),
        and wait until every running node adopted it.

        A paused node cannot adopt it now: :meth:`resume` sends it the filter that is
        current then, and each node also reads the current one from the run's state
        about once a second, so no node runs on with an old filter.
        """
        with self.run.edit_state() as state:
            current = state.get("filter") or {"version": 0, "blocked": [], "loss": 0.0}
            state["filter"] = {**current, **change(current), "version": current["version"] + 1}
        self._send_filter([s.name for s in self.status() if s.state == "up"])

    def _send_filter(self, nodes: list[str]) -> None:
        """Send the current drop filter (if any was set) to ``nodes``; wait for each."""
        current = self.run.state().get("filter")
        if current is not None:
            self.filters.publish(current, nodes)
