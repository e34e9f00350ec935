import { modelBackendContract } from '../../../src/plugin-api/testing/index.js';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { ScriptedBackend } from '../../fixtures/scripted-backend.js';

// The backends that need no network; model-openai and model-llamacpp run their integration tests.
modelBackendContract('echo fixture', () => new EchoBackend('echo'), { slowPrompt: 'hang' });
modelBackendContract('scripted fixture', () => new ScriptedBackend('scripted', (p) => (p === 'hang' ? { delayMs: Infinity } : 'red orange yellow green blue')), { slowPrompt: 'hang' });
