-- Each member's account balance, kept by triggers as ledger entries are written, so the members
-- in debt are found without adding up the whole ledger (five years of a club's hold hundreds of
-- thousands of entries). Derived: every machine keeps it from its own ledger; it is never logged
-- or sent. Entries are never changed; they are removed only when a desk undoes its tentative work.
CREATE TABLE member_balances (
    member_id   TEXT PRIMARY KEY,
    balance     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO member_balances (member_id, balance) SELECT member_id, sum(amount) FROM ledger GROUP BY member_id;
CREATE TRIGGER ledger_adds_to_balance AFTER INSERT ON ledger BEGIN
    INSERT INTO member_balances (member_id, balance) VALUES (NEW.member_id, NEW.amount)
        ON CONFLICT (member_id) DO UPDATE SET balance = balance + excluded.balance;
END;
CREATE TRIGGER ledger_removed_from_balance AFTER DELETE ON ledger BEGIN
    UPDATE member_balances SET balance = balance - OLD.amount WHERE member_id = OLD.member_id;
END;
