import { expect, it } from "vitest";
import "../../widget/src/quittance-invoices";

it("should define the element once when the script is loaded twice", async () => {
  await import("../../widget/src/quittance-invoices");
  expect(customElements.get("quittance-invoices")).toBeDefined();
  const element = document.createElement("quittance-invoices");
  document.body.append(element);
  expect(element.shadowRoot).not.toBeNull();
  element.remove();
});
