// dynalite ships no type declarations; this is the part of its API the sandbox uses.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** How long a table stays CREATING / DELETING / UPDATING (dynalite's default is 500 ms). */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    /** A LevelDB directory; in memory when absent. */
    path?: string;
  }

  /** A plain Node HTTP server whose `close` also closes the store. */
  function dynalite(options?: DynaliteOptions): Server;
  export default dynalite;
}
