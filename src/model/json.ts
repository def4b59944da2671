// JSON values: what JSON reports, `--json` results and schemas are built from.

export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/** A JSON object (a schema, a report section). */
export type JsonObject = { readonly [key: string]: Json };
