#!/usr/bin/env -S npx tsx
/** `cdk synth` / `cdk deploy` run this (cdk.json). Context: see infra/src/settings.ts. */
import { main } from '../src/app.ts';

main().synth();
