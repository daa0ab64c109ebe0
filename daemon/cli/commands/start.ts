import type { Command } from 'commander';
export function registerStartCommands(_program: Command): void {}
