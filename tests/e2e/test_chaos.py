"""The chaos run, short (bench/chaos.py): commands across all five services while a random service
is killed with SIGKILL every few seconds; every accepted command's effects are there exactly once."""

import pytest

from bench.chaos import run

pytestmark = pytest.mark.e2e


@pytest.mark.timeout(900)  # its own stack, started and drained: minutes, on a busy machine
async def test_services_killed_at_random_lose_nothing_and_do_nothing_twice() -> None:
    result = await run(commands=120, workers=3, every=(2.0, 4.0), min_kills=4)

    assert result["kills"] >= 4, result["kills by service"]
    assert result["refused"] == []
    assert result["lost in all"] == 0, result["examples"]
    assert result["duplicated in all"] == 0, result["examples"]
    assert result["numbering gaps or repeats"] == 0
