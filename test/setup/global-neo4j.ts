/** vitest globalSetup: one embedded Neo4j per run; tests read inject('neo4jUri'). */
import type { TestProject } from 'vitest/node';
import { startNeo4j } from './components.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const neo = await startNeo4j();
  project.provide('neo4jUri', neo.uri);
  return async () => neo.stop();
}
