"""The customer portal: mobile-first pages (Thai/English) over a read model projected from events."""
