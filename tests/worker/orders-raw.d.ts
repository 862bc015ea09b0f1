/** Vite's `?raw` imports: a file's text, bundled into the test worker. */
declare module '*.csv?raw' {
  const text: string;
  export default text;
}
declare module '*.yaml?raw' {
  const text: string;
  export default text;
}
