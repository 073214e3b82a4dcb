"""``partnerstate serve``, except that every close stops just before its commit.

Run as a script by tests/durability/test_durability.py: the close has counted, stored
the result, rewritten the ballots and destroyed the voter keys (all uncommitted) when
this writes the marker file named first on the command line and sleeps, so that the
test can kill the process at that very point. Test code only.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from deliberation.votes import keys


def main() -> None:
    marker = Path(sys.argv[1])
    destroy = keys.destroy

    def destroy_then_wait(db, vote_id):  # type: ignore[no-untyped-def]
        destroy(db, vote_id)
        db.flush()
        marker.write_text(str(vote_id))
        time.sleep(120)

    keys.destroy = destroy_then_wait
    from partnerstate.cli import main as partnerstate

    sys.argv = ["partnerstate", *sys.argv[2:]]
    partnerstate()


if __name__ == "__main__":
    main()
