-- A client session minted by a hosted pay page (/pay/<token>) reaches that one invoice only, not
-- every invoice of its customer: a link forwarded or scanned opens no more than what it names.
ALTER TABLE client_sessions ADD COLUMN invoice_id TEXT REFERENCES invoices (id);
