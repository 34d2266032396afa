import { css } from "lit";

/** The widget's design tokens (same custom properties and values as widget/src/quittance-invoices.styles.ts), light + dark. */
export const tokens = css`
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
    color: var(--_t);
    font-family: var(--quittance-font, system-ui, sans-serif);
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
`;

/** Shared typography, buttons, tables, forms, badges, cards, focus rings, .sr-only. */
export const base = css`
  :host { display: block; line-height: 1.5; }
  h1 { font-size: 1.5rem; margin: 0 0 1rem; }
  h1:focus { outline: none; }
  h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
  a { color: var(--_a); }
  .muted { color: var(--_m); }
  button, .button { font: inherit; border-radius: var(--_r); padding: .45rem .9rem; border: 1px solid var(--_l); background: var(--_b); color: var(--_t); cursor: pointer; text-decoration: none; display: inline-block; }
  button.primary, .button.primary { background: var(--_a); color: var(--_at); border-color: var(--_a); }
  button.secondary, .button.secondary { background: var(--_s); }
  button.danger, .button.danger { background: var(--_b); color: var(--_d); border-color: var(--_d); }
  button:disabled { opacity: .6; cursor: default; }
  :focus-visible { outline: 3px solid var(--_a); outline-offset: 2px; }
  input, select, textarea { font: inherit; color: var(--_t); background: var(--_b); border: 1px solid var(--_l); border-radius: var(--_r); padding: .4rem .6rem; }
  label { display: block; font-weight: 600; margin: .5rem 0 .25rem; }
  .table { width: 100%; border-collapse: collapse; }
  .table th, .table td { text-align: left; padding: .5rem; border-bottom: 1px solid var(--_l); vertical-align: top; }
  .table th { font-weight: 600; color: var(--_m); }
  .table td.num, .table th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .card { background: var(--_s); border: 1px solid var(--_l); border-radius: var(--_r); padding: 1rem; }
  .badge { display: inline-block; padding: .1rem .5rem; border-radius: 999px; font-size: .85rem; border: 1px solid var(--_l); background: var(--_b); color: var(--_t); }
  .badge.paid { color: var(--_g); border-color: var(--_g); }
  .badge.overdue { color: var(--_d); border-color: var(--_d); }
  .badge.open, .badge.partially_paid { color: var(--_a); border-color: var(--_a); }
  .badge.draft, .badge.void { color: var(--_m); }
  .error { color: var(--_d); }
  .sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
`;
