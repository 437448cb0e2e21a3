-- Which transaction of the log carries a command's effects, by command id: a hub that started
-- from a desk's replica (promoted) finds there the commands the old hub decided, so another desk
-- sending one of them again does not get it done twice.
CREATE INDEX sync_txn_by_command ON sync_txn (command_id);
