#!/bin/sh
':' /*
# A shell script when run as a command, JavaScript when run by node (to which ':' is a string
# and this block a comment): the shell replaces itself with Node.js 24 (see launch.sh).
. "$(dirname -- "$(readlink -f -- "$0")")/launch.sh"
*/
import { runTypeScript } from './run-ts.js';

await runTypeScript('src/webhook/main.ts');
