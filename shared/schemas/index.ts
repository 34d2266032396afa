export * from "./common";
export * from "./customers";
export * from "./invoices";
export * from "./payments";
export * from "./sessions";
export * from "./events";
export * from "./settings";
export * from "./webhooks";
