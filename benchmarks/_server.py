"""What the benchmarks measure `rotnem serve` with: the subprocess itself comes from
`bot.sandbox.process`."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox.process import SIGNING_SECRET, rotnem_serve

__all__ = ["SIGNING_SECRET", "memory_mb", "rotnem_serve"]


def memory_mb(pid: int, field: str = "VmHWM") -> float:
    """A memory figure of the process from /proc, in MB: by default its high-water resident set
    (VmHWM); `VmRSS` for the resident set now."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc status")
