"""One compiled flow, many simultaneous conversations: four threads and 500 asyncio tasks
interleave 1,000 calls on one flow, and no slot ever leaks from one caller into another."""

from __future__ import annotations

import asyncio
import threading

from tests.conftest import NOW

import flowagent

NAMES = ["Ana", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun"]
DAYS = ["Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


def script(i: int) -> tuple[list[str], dict[str, str]]:
    """Caller i's lines and the slots they must end with (unique phone per caller)."""
    name, day = NAMES[i % len(NAMES)], DAYS[i % len(DAYS)]
    phone = f"555 {200 + i % 700:03d} {1000 + i:04d}"
    lines = [f"this is {name}", f"{day} at 10am", "a checkup", phone]
    return lines, {"name": name, "contact": "+1" + phone.replace(" ", "")}


def test_threads_and_tasks_never_mix_callers(appointment: flowagent.Flow) -> None:
    convs = [appointment.new_conversation(now=NOW, conversation_id=f"c{i}") for i in range(1000)]
    for c in convs:
        c.start()
    evens = list(range(0, 1000, 2))
    errors: list[BaseException] = []
    barrier = threading.Barrier(5)

    def thread_worker(ids: list[int]) -> None:
        barrier.wait()
        try:
            for step in range(4):  # turn by turn across this thread's callers
                for i in ids:
                    convs[i].handle(script(i)[0][step])
        except BaseException as err:  # pragma: no cover - asserted below
            errors.append(err)

    async def caller(i: int) -> None:
        for line in script(i)[0]:
            await convs[i].handle_async(line)
            await asyncio.sleep(0)

    async def all_tasks() -> None:
        barrier.wait()
        await asyncio.gather(*(caller(i) for i in range(1, 1000, 2)))

    threads = [threading.Thread(target=thread_worker, args=(evens[k::4],)) for k in range(4)]
    for t in threads:
        t.start()
    asyncio.run(all_tasks())
    for t in threads:
        t.join()
    assert not errors
    for i, conv in enumerate(convs):
        expected = script(i)[1]
        assert conv.slots["name"] == expected["name"], i
        assert conv.slots["contact"] == expected["contact"], i
        assert conv.state == "CONFIRM", i
