-- The revenue report reads a period's fees and group visits from the ledger by time.
CREATE INDEX ledger_by_time ON ledger (at);
