"""Processes of the running system, read from /proc: a process's descendants and the CPU time a
process tree has used."""

import os
from pathlib import Path

_TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Every process under the one given (children, their children, …)."""
    found: list[int] = []
    parents = [pid]
    while parents:
        parent = parents.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                pids = [int(child) for child in children.read_text().split()]
            except (FileNotFoundError, ProcessLookupError):
                continue
            found += pids
            parents += pids
    return found


def cpu_ticks(stat: str, *, children: bool = True) -> int:
    """User + system clock ticks from a /proc/<pid>/stat line: the process's own, and with
    `children` those of its children that have ended and been waited for (cutime, cstime)."""
    fields = stat[stat.rindex(")") + 2 :].split()  # the name, in brackets, may hold spaces
    utime, stime, cutime, cstime = (int(f) for f in fields[11:15])
    return utime + stime + (cutime + cstime if children else 0)


def process_cpu_s(pid: int, *, children: bool = True) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return cpu_ticks(stat, children=children) / _TICKS_PER_S


def tree_cpu_s(pid: int, *, children: bool = True) -> float:
    """CPU seconds of the process and every process under it (with `children`, also of those of
    them that have ended)."""
    if not children:
        return process_cpu_s(pid, children=False)
    return sum(process_cpu_s(p) for p in (pid, *descendants(pid)))
