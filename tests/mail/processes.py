"""What /proc says about this test process and its render children (Linux)."""
from __future__ import annotations

import os
import re
from pathlib import Path


def children_of(pid: int) -> set[int]:
    """The live (not yet reaped) child processes of ``pid``."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # it ended while we looked
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def exists(pid: int) -> bool:
    """True while ``pid`` has an entry in /proc (running, or a zombie nobody reaped)."""
    return Path(f"/proc/{pid}").exists()


def limits(pid: int) -> dict[str, str]:
    """The soft limits of ``pid`` by name, as /proc/<pid>/limits spells them."""
    rows = Path(f"/proc/{pid}/limits").read_text().splitlines()[1:]
    return {row[:26].strip(): row[26:47].strip() for row in rows}


def _status_kb(field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)
    assert match is not None
    return int(match.group(1))


class PeakMemory:
    """This process's peak resident memory from now on (the kernel's high-water mark, reset)."""

    def __init__(self) -> None:
        try:  # "5" resets VmHWM to the current RSS (Linux 4.0+)
            with open(f"/proc/{os.getpid()}/clear_refs", "w") as clear_refs:
                clear_refs.write("5")
        except OSError:
            pass  # then the bound is measured from the earlier peak, which is weaker but holds
        self.start_kb = _status_kb("VmHWM")

    def growth_mb(self) -> float:
        """How far the peak rose above where it was when this was made."""
        return (_status_kb("VmHWM") - self.start_kb) / 1024
