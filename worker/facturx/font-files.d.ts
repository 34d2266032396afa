/** Font files bundled as bytes (wrangler.toml `[[rules]] type = "Data"`; the Workers vitest plugin reads the same rules). */
declare module "*.woff" {
  const bytes: ArrayBuffer;
  export default bytes;
}
