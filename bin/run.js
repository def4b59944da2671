#!/usr/bin/env node
// keyspill entry point: hands argv to oclif, which loads commands from the prebuilt manifest.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
