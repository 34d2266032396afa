/**
 * Form helpers of the settings page: a labelled field whose error (the problem's `detail` when its
 * `param` names the field) sits right under it with role="alert", and the turning of a caught
 * error into those per-field messages.
 */
import { html, nothing, type TemplateResult } from "lit";
import { ApiError } from "../api";
import { lang } from "../i18n";

/** A decimal as the console's language writes it ("40,00" in French); decimalToMinor reads both. @example typedDecimal("40.00") */
export function typedDecimal(text: string): string {
  return lang() === "fr" ? text.replace(".", ",") : text;
}

/** Problems of one section, by the `param` they name ("" for those naming no field). */
export type FieldErrors = Map<string, string>;

/** A DOM id for a param path. @example fieldId("seller.address[0]") // "f-seller-address-0" */
export function fieldId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9]+/g, "-").replace(/-$/, "")}`;
}

export interface FieldOptions {
  value: string;
  errors: FieldErrors;
  readonly: boolean;
  type?: string;
  maxlength?: number;
  hint?: string;
  autocomplete?: string;
  inputmode?: string;
  placeholder?: string;
}

/** The error paragraph of a field, if it has one. */
export function fieldError(name: string, errors: FieldErrors): TemplateResult | typeof nothing {
  const message = errors.get(name);
  return message ? html`<p class="error" role="alert" id="${fieldId(name)}-error" data-error-for=${name}>${message}</p>` : nothing;
}

/** A labelled text input named by its param path. @example field("seller.siren", "SIREN", { value, errors, readonly }) */
export function field(name: string, label: string, options: FieldOptions): TemplateResult {
  const id = fieldId(name);
  const error = options.errors.get(name);
  const described = [options.hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${options.hint ? html`<span class="muted hint" id="${id}-hint">${options.hint}</span>` : nothing}
    <input id=${id} name=${name} type=${options.type ?? "text"} .value=${options.value} ?readonly=${options.readonly}
      maxlength=${options.maxlength ?? nothing} autocomplete=${options.autocomplete ?? "off"} inputmode=${options.inputmode ?? nothing}
      placeholder=${options.placeholder ?? nothing} aria-invalid=${error ? "true" : "false"} aria-describedby=${described || nothing} />
    ${fieldError(name, options.errors)}
  </div>`;
}

/** A labelled textarea named by its param path. @example area("allowed_origins", "Origins", { value, errors, readonly }) */
export function area(name: string, label: string, options: FieldOptions): TemplateResult {
  const id = fieldId(name);
  const error = options.errors.get(name);
  const described = [options.hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${options.hint ? html`<span class="muted hint" id="${id}-hint">${options.hint}</span>` : nothing}
    <textarea id=${id} name=${name} .value=${options.value} ?readonly=${options.readonly} maxlength=${options.maxlength ?? nothing}
      aria-invalid=${error ? "true" : "false"} aria-describedby=${described || nothing}></textarea>
    ${fieldError(name, options.errors)}
  </div>`;
}

/**
 * The errors of a failed save: the problem's detail under its `param` (or under the nearest field
 * of `fields` the param starts with, e.g. `seller.address` → the first address field), else "".
 * @example errors = problemErrors(caught, ["seller.siren", "seller.vat_number"])
 */
export function problemErrors(caught: unknown, fields: readonly string[]): FieldErrors {
  const errors: FieldErrors = new Map();
  if (!(caught instanceof ApiError)) {
    errors.set("", String(caught));
    return errors;
  }
  const { param, detail, title } = caught.problem;
  const message = detail ?? title;
  const target = param === undefined ? undefined : fields.find((name) => name === param) ?? fields.find((name) => name.startsWith(`${param}.`) || name.startsWith(`${param}[`)) ?? fields.find((name) => param.startsWith(`${name}.`) || param.startsWith(`${name}[`));
  errors.set(target ?? "", message);
  return errors;
}

/** The errors no field shows (they go at the section's foot). */
export function otherErrors(errors: FieldErrors, fields: readonly string[]): string[] {
  return [...errors].filter(([name]) => !fields.includes(name)).map(([, message]) => message);
}
