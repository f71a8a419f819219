"""Reading topics back from their first offset, in the order the events were published, for a
consumer rebuilding its projection (`mudjam replay`)."""

import heapq
from collections import deque
from collections.abc import AsyncIterator, Callable

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from pydantic import ValidationError

from shared.contracts.catalogue import Topic
from shared.contracts.envelope import Envelope
from shared.messaging.consumer import EventConsumer

Progress = Callable[[int, int], None]  # (records read, records in all) after each record


async def _in_time_order(
    reader: AIOKafkaConsumer, ends: dict[TopicPartition, int]
) -> AsyncIterator[ConsumerRecord[bytes, bytes]]:
    """Every record up to `ends`, partitions merged by publishing time (a partition's own order
    kept), holding one fetch per partition in memory."""
    buffers: dict[TopicPartition, deque[ConsumerRecord[bytes, bytes]]] = {p: deque() for p in ends}

    async def refill(partition: TopicPartition) -> None:
        while not buffers[partition] and await reader.position(partition) < ends[partition]:
            fetched = await reader.getmany(partition, timeout_ms=500, max_records=500)
            buffers[partition].extend(fetched.get(partition, []))

    heads: list[tuple[int, int, TopicPartition]] = []
    for order, partition in enumerate(ends):
        await refill(partition)
        if buffers[partition]:
            heapq.heappush(heads, (buffers[partition][0].timestamp, order, partition))
    while heads:
        _, order, partition = heapq.heappop(heads)
        yield buffers[partition].popleft()
        await refill(partition)
        if buffers[partition]:
            heapq.heappush(heads, (buffers[partition][0].timestamp, order, partition))


async def replay(
    consumer: EventConsumer, bootstrap: str, topics: tuple[Topic, ...], progress: Progress
) -> tuple[int, int]:
    """Applies every event of the topics the consumer applies, oldest first; returns how many were
    applied and how many failed (recorded dead-lettered, see the log)."""
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=50)
    await reader.start()
    applied = failed = read = 0
    try:
        await reader.topics()  # loads the metadata
        partitions = [
            TopicPartition(t.name, p)
            for t in topics
            for p in sorted(reader.partitions_for_topic(t.name) or ())
        ]
        ends = await reader.end_offsets(partitions)
        starts = await reader.beginning_offsets(partitions)
        total = sum(ends[p] - starts[p] for p in partitions)
        reader.assign(partitions)
        await reader.seek_to_beginning(*partitions)
        async for record in _in_time_order(reader, ends):
            read += 1
            try:
                envelope = Envelope.model_validate_json(record.value or b"")
            except ValidationError:
                envelope = None  # dead-lettered when it was first read; nothing to rebuild from
            if envelope and consumer.applies(envelope.type):
                if await consumer.apply_in_replay(envelope):
                    applied += 1
                else:
                    failed += 1
            progress(read, total)
    finally:
        await reader.stop()
    return applied, failed
