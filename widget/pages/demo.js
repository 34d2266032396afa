// The host page listens to the widget's events, as a merchant's site would.
const output = document.getElementById("last-event");
for (const name of ["quittance-payment-succeeded", "quittance-payment-failed", "quittance-invoice-selected"]) {
  document.addEventListener(name, (event) => {
    output.textContent = `${name}: ${JSON.stringify(event.detail)}`;
  });
}
