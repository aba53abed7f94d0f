"""`python -m bench.rss_child ARGS`: run `papers ARGS` in this process, then print its peak RSS.

The figure is VmHWM of /proc/self/status (exec starts a fresh address space, so the bench's own
memory does not leak into it), printed on stderr as `PEAK_RSS_MB=<float>` when the process exits.
"""

import atexit
import sys


def _report() -> None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            peak = next(int(line.split()[1]) / 1024 for line in fh if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"PEAK_RSS_MB={peak:.1f}", file=sys.stderr, flush=True)


atexit.register(_report)
sys.argv = ["papers"] + sys.argv[1:]
from agent.cli import main  # noqa: E402

main()
