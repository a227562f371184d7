#!/usr/bin/env node
import { runTypeScript } from './run-ts.js';

await runTypeScript('src/sandbox/main.ts');
