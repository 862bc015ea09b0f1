/** The part of autocannon's API the benches use (the package ships no types). */
declare module 'autocannon' {
  interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    latency: { p50: number; p99: number };
  }
  interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    onResponse?: (status: number) => void;
  }
  interface Options {
    url: string;
    connections?: number;
    amount?: number;
    timeout?: number;
    requests?: Request[];
    setupClient?: (client: never) => void;
  }
  interface Instance extends PromiseLike<Result> {
    stop(): void;
  }
  function autocannon(options: Options): Instance;
  export default autocannon;
}
