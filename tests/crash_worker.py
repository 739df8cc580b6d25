"""A process that runs many conversations against a store, resuming each from the store.

    python tests/crash_worker.py STORE_URL SCRIPTS.json

Prints "ready" once imports are done (so a test can kill it mid-work, not mid-import), then
works through every conversation, feeding each the script lines it has not consumed yet
(`context.turns` in the store says how many it has). Killing it at any moment and starting it
again must give the same conversations as one uninterrupted run.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import flowagent  # noqa: E402
from flowagent.store import open_store  # noqa: E402

NOW = datetime(2026, 11, 23, 10, 0)


def main() -> int:
    store = open_store(sys.argv[1])
    scripts: dict[str, list[str]] = json.loads(Path(sys.argv[2]).read_text())
    flow = flowagent.load_flow(ROOT / "flows" / "appointment.yaml")
    print("ready", flush=True)
    for conversation_id, lines in scripts.items():
        conv = flow.resume(conversation_id, store)
        if conv is None:
            conv = flow.new_conversation(now=NOW, conversation_id=conversation_id, store=store)
            conv.start()
        for line in lines[conv.context.turns :]:
            if conv.ended:
                break
            conv.handle(line)
            print("turn", flush=True)  # lets the test kill us at a random turn
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
