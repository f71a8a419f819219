"""Who did something: a staff user, a customer, or the system reacting to an event. Pure, so every
domain can name its actors without loading the database layer."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: str
    name: str

    @classmethod
    def customer(cls, customer_id: str, name: str) -> "Actor":
        """A customer acting through the portal (an "I've paid")."""
        return cls(f"customer:{customer_id}", name or "Customer")


SYSTEM = Actor("system", "Mudjam")
