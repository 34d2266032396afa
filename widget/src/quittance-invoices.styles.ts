import { css } from "lit";

/**
 * Appearance through custom properties (set them on the element or any ancestor):
 * --quittance-accent, --quittance-accent-text, --quittance-text, --quittance-muted, --quittance-background,
 * --quittance-surface, --quittance-border, --quittance-danger, --quittance-success, --quittance-radius,
 * --quittance-font (default: the host page's font), --quittance-min-height (space kept while loading).
 * Dark mode follows prefers-color-scheme. Colours meet WCAG AA contrast in both themes. Internal
 * names are short: --_a … --_r hold the resolved palette and radius, .sr is read by screen readers only.
 */
export const styles = css`
  :host {
    --_a: var(--quittance-accent, #1f4fd1);
    --_at: var(--quittance-accent-text, #ffffff);
    --_t: var(--quittance-text, #1b1f24);
    --_m: var(--quittance-muted, #545b66);
    --_b: var(--quittance-background, #ffffff);
    --_s: var(--quittance-surface, #f4f6f9);
    --_l: var(--quittance-border, #c9ced6);
    --_d: var(--quittance-danger, #b3261e);
    --_g: var(--quittance-success, #1d6b35);
    --_r: var(--quittance-radius, 8px);
    display: block;
    min-height: var(--quittance-min-height, 12rem);
    font-family: var(--quittance-font, inherit);
    color: var(--_t);
    background: var(--_b);
    line-height: 1.45;
    contain: layout style;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_a: var(--quittance-accent, #8fb0ff);
      --_at: var(--quittance-accent-text, #0b1530);
      --_t: var(--quittance-text, #eef1f5);
      --_m: var(--quittance-muted, #b4bcc8);
      --_b: var(--quittance-background, #15181d);
      --_s: var(--quittance-surface, #20252c);
      --_l: var(--quittance-border, #4a525e);
      --_d: var(--quittance-danger, #ffb4ab);
      --_g: var(--quittance-success, #8fd5a0);
    }
  }
  * { box-sizing: border-box; }
  h3 { margin: 0 0 0.5rem; line-height: 1.25; font-size: 0.95rem; color: var(--_m); text-transform: uppercase; letter-spacing: 0.04em; }
  section { margin-bottom: 1.25rem; }
  ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
  li { display: flex; gap: 0.75rem; align-items: center; padding: 0.75rem; border: 1px solid var(--_l); border-radius: var(--_r); background: var(--_s); }
  li label { flex: 1; display: grid; gap: 0.1rem; cursor: pointer; }
  .number { font-weight: 600; }
  .meta { color: var(--_m); font-size: 0.9rem; }
  .late { color: var(--_d); font-weight: 600; }
  .amount { font-variant-numeric: tabular-nums; font-weight: 600; white-space: nowrap; }
  input[type="checkbox"] { width: 1.15rem; height: 1.15rem; accent-color: var(--_a); margin: 0; }
  button {
    font: inherit; cursor: pointer; border-radius: var(--_r); padding: 0.55rem 1rem;
    border: 1px solid var(--_l); background: var(--_b); color: var(--_t);
  }
  button.primary { background: var(--_a); color: var(--_at); border-color: var(--_a); font-weight: 600; }
  button:disabled { opacity: 0.55; cursor: not-allowed; }
  button.link { border: none; background: none; padding: 0.25rem; color: var(--_a); text-decoration: underline; }
  :focus-visible { outline: 3px solid var(--_a); outline-offset: 2px; }
  .bar { position: sticky; bottom: 0; display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; justify-content: space-between; padding: 0.75rem 0; background: var(--_b); }
  .panel { border: 1px solid var(--_l); border-radius: var(--_r); padding: 1rem; background: var(--_b); }
  .skeleton { display: grid; gap: 0.5rem; }
  .skeleton div { height: 3.2rem; border-radius: var(--_r); background: var(--_s); }
  .sr { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
