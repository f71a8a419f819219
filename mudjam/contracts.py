"""The AsyncAPI document of the whole catalogue, for integrators (`mudjam asyncapi`)."""

from faststream.specification import AsyncAPI
from faststream.specification.base import Specification

from shared.contracts.catalogue import TOPICS
from shared.messaging.broker import declare_publishers, make_broker
from shared.settings import KafkaSettings


def catalogue_asyncapi() -> Specification:
    broker = make_broker(KafkaSettings(), client_id="mudjam-catalogue")
    declare_publishers(broker, TOPICS)
    return AsyncAPI(
        broker,
        title="Mudjam event catalogue",
        version="1.0.0",
        description="Every topic, its key and the envelope of each event type (SPEC §2, §9).",
    ).to_specification()
