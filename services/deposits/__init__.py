"""Security deposits: request, collection (DEPR), return full / partial / forfeit (DEPRR), void, SLA."""
