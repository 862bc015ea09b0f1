/** The part of autocannon's API the benches use (the package ships no types). */
declare module 'autocannon' {
  type Result = { duration: number; errors: number; timeouts: number; latency: { p50: number; p99: number } };
  type Request = { method?: string; path?: string; headers?: Record<string, string> } & RequestHooks;
  type RequestHooks = { onResponse?: (status: number) => void };
  type Options = { url: string; connections?: number; amount?: number; overallRate?: number } & ClientOptions;
  type ClientOptions = { requests?: Request[]; setupClient?: (client: never) => void; timeout?: number };
  function autocannon(options: Options): PromiseLike<Result> & { stop(): void };
  export default autocannon;
}
