import { css } from "lit";

/**
 * The detail's and the pay flow's own rules (table, totals, method picker, card form, outcome),
 * shipped in the flow's chunk and adopted by the element beside its own (quittance-invoices.styles.ts,
 * whose custom properties they use) when the chunk arrives.
 */
export const flowStyles = css`
  .dialog { max-width: 46rem; }
  h2 { margin: 0 0 0.5rem; line-height: 1.25; font-size: 1.15rem; }
  input[type="radio"] { width: 1.15rem; height: 1.15rem; accent-color: var(--_a); margin: 0; }
  table { width: 100%; border-collapse: collapse; font-size: 0.92rem; }
  th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--_l); }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  dl { display: grid; grid-template-columns: auto auto; gap: 0.25rem 1rem; justify-content: end; margin: 0.75rem 0; }
  dt { color: var(--_m); }
  dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
  fieldset { border: none; margin: 0 0 1rem; padding: 0; display: grid; gap: 0.5rem; }
  legend { font-weight: 600; margin-bottom: 0.5rem; }
  .choice { display: flex; gap: 0.6rem; align-items: center; padding: 0.6rem 0.75rem; border: 1px solid var(--_l); border-radius: var(--_r); }
  .field { display: grid; gap: 0.3rem; margin-bottom: 1rem; }
  .field input { font: inherit; padding: 0.55rem; border: 1px solid var(--_l); border-radius: var(--_r); background: var(--_b); color: var(--_t); }
  .actions { display: flex; gap: 0.75rem; flex-wrap: wrap; }
  .spaced { margin-top: 1rem; }
  .success { color: var(--_g); }
  .danger { color: var(--_d); }
  .provider { margin-bottom: 1rem; }
  .tr { justify-content: start; align-items: baseline; }
  .tr dd { text-align: left; }
  code { overflow-wrap: anywhere; }
`;
