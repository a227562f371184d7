#!/usr/bin/env node
import { runTypeScript } from './run-ts.js';

await runTypeScript('src/cli/main.ts');
