"""`toneguard backfill`: score a helpdesk's history in bulk and build the tallies from it.

Readers (service.backfill.readers) turn each input format into one row shape
(service.backfill.rows); a Ray Data pipeline (service.backfill.pipeline) streams those rows
through a pool of actors that each hold one loaded model; the driver writes what they
return to the database in one transaction per batch (service.backfill.writer), through
the same row and tally code as live ingestion, and optionally to Parquet.
"""
