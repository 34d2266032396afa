import { css } from "lit";

/**
 * The detail's and the pay flow's own rules (table, totals, method picker, card form, outcome),
 * shipped in the flow's chunk and adopted by the element beside its own (quittance-invoices.styles.ts,
 * whose custom properties they use) when the chunk arrives.
 */
export const flowStyles = css`
  .dialog { max-width: 46rem; }
  table { width: 100%; border-collapse: collapse; font-size: 0.92rem; }
  th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--_border); }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  dl { display: grid; grid-template-columns: auto auto; gap: 0.25rem 1rem; justify-content: end; margin: 0.75rem 0; }
  dt { color: var(--_muted); }
  dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
  fieldset { border: none; margin: 0 0 1rem; padding: 0; display: grid; gap: 0.5rem; }
  legend { font-weight: 600; margin-bottom: 0.5rem; }
  .choice { display: flex; gap: 0.6rem; align-items: center; padding: 0.6rem 0.75rem; border: 1px solid var(--_border); border-radius: var(--_radius); }
  .field { display: grid; gap: 0.3rem; margin-bottom: 1rem; }
  .field input { font: inherit; padding: 0.55rem; border: 1px solid var(--_border); border-radius: var(--_radius); background: var(--_bg); color: var(--_text); }
  .actions { display: flex; gap: 0.75rem; flex-wrap: wrap; }
  .spaced { margin-top: 1rem; }
  .success { color: var(--_success); }
  .danger { color: var(--_danger); }
  .provider { margin-bottom: 1rem; }
`;
