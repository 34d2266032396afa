/**
 * The closed set of error codes the API answers with, and the HTTP status of each. Every error is
 * an RFC 9457 problem+json document carrying one of these codes (and `param` when a field is at
 * fault), so clients can branch on `code` without parsing messages.
 */
export const ERROR_STATUS = {
  malformed_json: 400,
  parameter_missing: 422,
  parameter_invalid: 422,
  parameter_unknown: 422,
  api_key_missing: 401,
  api_key_invalid: 401,
  session_expired: 401,
  insufficient_scope: 403,
  wrong_key_type: 403,
  origin_not_allowed: 403,
  csrf_header_missing: 403,
  console_session_missing: 401,
  console_session_expired: 401,
  resource_missing: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  idempotency_key_reused: 409,
  idempotency_key_in_use: 409,
  invoice_not_draft: 409,
  invoice_not_open: 409,
  invoice_immutable: 409,
  invoice_has_payments: 409,
  invoice_number_taken: 409,
  invoice_not_creditable: 409,
  invoice_has_credit_notes: 409,
  invoice_fully_credited: 409,
  credit_note_number_taken: 409,
  credit_note_immutable: 409,
  credit_note_exceeds_remaining: 422,
  concurrent_update: 409,
  external_id_taken: 409,
  webhook_endpoint_disabled: 409,
  webhook_endpoint_limit_reached: 409,
  provider_not_configured: 422,
  provider_error: 502,
  currency_not_supported_by_provider: 422,
  amount_below_minimum: 422,
  payment_not_capturable: 409,
  webhook_signature_invalid: 400,
  reminder_too_soon: 409,
  reminders_paused: 409,
  payment_not_refundable: 409,
  /** An export needs a setting the merchant has not given (the SIREN, a book exchange rate). */
  accounting_settings_incomplete: 409,
  /** An e-invoice (Factur-X) of a draft: only issued invoices and credit notes have one. */
  invoice_not_issued: 409,
  /** The e-invoice needs a setting or customer field the French rules require (`param` names it, e.g. seller.siren). */
  einvoice_data_incomplete: 409,
  /** The document cannot be written as a valid EN 16931 / BR-FR e-invoice (a 3-decimal currency, a number outside the allowed characters…). */
  einvoice_not_expressible: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  amount_too_large: 422,
  invoice_total_not_positive: 422,
  currency_mismatch: 422,
  customer_mismatch: 422,
  invoice_not_payable: 422,
  allocation_exceeds_amount_due: 422,
  allocations_do_not_match_amount: 422,
  duplicate_allocation: 422,
  refund_exceeds_amount: 422,
  payment_method_not_accepted: 422,
  rate_limited: 429,
  reminder_daily_cap_reached: 429,
  invoice_reminder_limit_reached: 429,
  /** An SSE resume too far behind the head of the log: page GET /v1/events, then reconnect. */
  stream_resume_too_old: 410,
  /** The session or key already holds as many open SSE streams as it may. */
  too_many_streams: 429,
  internal_error: 500,
  service_misconfigured: 503,
  /** The ledger is further behind the log than a request projects (a bulk import): retry after Retry-After. */
  ledger_catching_up: 503,
  /** A bank statement file that is not camt.053, camt.054 or OFX. */
  statement_format_unsupported: 415,
  /** A bank statement file that cannot be read (broken XML, a missing element, a bad amount); nothing was recorded. */
  statement_malformed: 422,
  /** A bank statement file with more transactions than one import takes. */
  statement_too_large: 422,
  /** The statement line is already matched (or ignored, or a duplicate): it cannot be allocated again. */
  statement_line_not_open: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The body of every error response (RFC 9457 problem details plus `code` and `param`). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  param?: string;
  request_id?: string;
}
