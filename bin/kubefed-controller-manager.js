#!/usr/bin/env node
import { runTypeScript } from './run-ts.js';

await runTypeScript('src/manager/main.ts');
