-- What an issued invoice says about its seller and its buyer, frozen at issue: the seller's identity,
-- bank account, book exchange rates and e-invoicing defaults, and the customer's row as it was. The
-- PDF and the Factur-X XML of an issued invoice (and of its credit notes) read this copy, so changing
-- the settings or the customer afterwards changes no issued document. NULL for invoices issued
-- before this migration (they keep reading the current data) and for drafts.
ALTER TABLE invoices ADD COLUMN parties TEXT CHECK (parties IS NULL OR json_valid(parties));
