"""Per-task scheduling overhead of Dask distributed on the shapes of bench/overhead.ts.

Run by bench/overhead.ts with /usr/bin/python3 (Debian python3-distributed). Prints one JSON line:
{"shape": ..., "tasks": N, "seconds": S} per shape. No-op tasks: the time is scheduling overhead.
"""
import json
import sys
import time

from dask.distributed import Client, LocalCluster


def noop(*args):
    return 0


def chain(n):
    graph = {"t0": (noop,)}
    for i in range(1, n):
        graph[f"t{i}"] = (noop, f"t{i - 1}")
    return graph, [f"t{n - 1}"]


def fan(n):
    width = n - 2
    graph = {"src": (noop,)}
    for i in range(width):
        graph[f"m{i}"] = (noop, "src")
    graph["sink"] = (noop,) + tuple(f"m{i}" for i in range(width))
    return graph, ["sink"]


def tree(n):
    leaves = (n + 1) // 2
    graph = {}
    level = []
    for i in range(leaves):
        graph[f"l{i}"] = (noop,)
        level.append(f"l{i}")
    depth = 0
    while len(level) > 1:
        depth += 1
        nxt = []
        for j in range(0, len(level) - 1, 2):
            key = f"r{depth}-{j // 2}"
            graph[key] = (noop, level[j], level[j + 1])
            nxt.append(key)
        if len(level) % 2 == 1:
            nxt.append(level[-1])
        level = nxt
    return graph, [level[0]]


def main():
    tasks = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    try:
        # Warm the workers so the first shape does not pay process start-up.
        client.get({"w": (noop,)}, "w")
        for name, build in (("chain", chain), ("fan", fan), ("tree", tree)):
            graph, outs = build(tasks)
            start = time.perf_counter()
            client.get(graph, outs)
            seconds = time.perf_counter() - start
            print(json.dumps({"shape": name, "tasks": len(graph), "seconds": seconds}), flush=True)
    finally:
        client.close()
        cluster.close()


if __name__ == "__main__":
    main()
