#!/usr/bin/env node
// keyspill entry point: hands argv to oclif, which loads commands from the prebuilt manifest.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });

// Commands end by returning (the exit code is in process.exitCode). Should anything still hold the event loop
// once stdout has drained (a child process or stream a failed run could not close), end anyway.
const settle = () => (process.stdout.writableLength > 0 ? setTimeout(settle, 200).unref() : process.exit());
setTimeout(settle, 1000).unref();
