/**
 * PayPal's JSON as it travels, derived from the published types of `@paypal/paypal-server-sdk`.
 *
 * The SDK's models (`Order`, `PaymentsCapture`, `Refund`…) are written in camelCase; its own
 * serializers map every property to PayPal's snake_case wire name by one rule: an underscore before
 * each capital (lower-cased) and before a digit (`addressLine1` → `address_line_1`). This was checked
 * over all of the SDK 2.5 model mappings: no other exception. `Wire<T>` applies that rule at the
 * type level, so the fake's responses are checked against PayPal's own model: a field renamed,
 * removed or retyped in the SDK fails the type check of the fake. String enums (`OrderStatus`…)
 * become the union of their values, which is what the JSON carries; bigints become numbers.
 */

type Digit = "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9";

export type SnakeCase<S extends string> = S extends `${infer Head}${infer Rest}`
  ? `${Head extends Digit ? `_${Head}` : Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCase<Rest>}`
  : S;

export type Wire<T> = T extends bigint
  ? number
  : T extends string
    ? `${T}`
    : T extends number | boolean | null | undefined
      ? T
      : T extends readonly (infer Item)[]
        ? Wire<Item>[]
        : T extends object
          ? { [Key in keyof T as Key extends string ? SnakeCase<Key> : Key]: Wire<T[Key]> }
          : T;

/**
 * A webhook event as PayPal posts it (Webhooks v1 envelope). The server SDK covers the REST
 * resources but not the webhook envelope, so this one is written from PayPal's documentation
 * (https://developer.paypal.com/api/rest/webhooks/event-names/); its `resource` is an SDK type.
 */
export interface PayPalWebhookEvent<Resource> {
  id: string;
  event_version: "1.0";
  create_time: string;
  resource_type: string;
  resource_version?: string;
  event_type: string;
  summary: string;
  resource: Resource;
  links: { href: string; rel: string; method: "GET" | "POST" }[];
}

/**
 * The dispute resource of CUSTOMER.DISPUTE.CREATED (Disputes API v1), reduced to what Quittance
 * reads. Not part of the server SDK either.
 */
export interface PayPalDispute {
  dispute_id: string;
  create_time: string;
  reason: "MERCHANDISE_OR_SERVICE_NOT_RECEIVED" | "MERCHANDISE_OR_SERVICE_NOT_AS_DESCRIBED" | "UNAUTHORISED" | "CREDIT_NOT_PROCESSED";
  status: "OPEN" | "WAITING_FOR_BUYER_RESPONSE" | "WAITING_FOR_SELLER_RESPONSE" | "UNDER_REVIEW" | "RESOLVED";
  dispute_amount: { currency_code: string; value: string };
  disputed_transactions: { seller_transaction_id: string; buyer_transaction_id?: string; custom?: string }[];
}
