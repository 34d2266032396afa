-- E-invoices (Factur-X, EN 16931 + the French BR-FR rules): what customers and invoices need that
-- they did not carry. A customer's SIRET (BT-46) and electronic address (BT-49: {"scheme","id"},
-- default 0225 + SIREN for French businesses); an invoice's own e-invoicing choices (category of
-- operation, VAT on debits, what its 0 % lines are) overriding settings.einvoicing.
ALTER TABLE customers ADD COLUMN siret TEXT;
ALTER TABLE customers ADD COLUMN electronic_address TEXT CHECK (electronic_address IS NULL OR json_valid(electronic_address));
ALTER TABLE invoices ADD COLUMN einvoice TEXT CHECK (einvoice IS NULL OR json_valid(einvoice));
