#!/usr/bin/env node
// `npx agentwire serve <file|folder>…`: TypeScript (the CLI and agent files) runs through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/agentwire.ts');
