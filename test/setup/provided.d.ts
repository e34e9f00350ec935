// Values the globalSetup modules in test/setup/global-*.ts hand to tests via inject().
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** bolt://127.0.0.1:PORT of the embedded Neo4j (auth disabled). */
    neo4jUri: string;
    /** redis://127.0.0.1:PORT of a throw-away redis-server. */
    redisUrl: string;
    /** http://127.0.0.1:PORT/v1 of the llama.cpp OpenAI-compatible server. */
    llamaBaseURL: string;
    /** Absolute path of the cached SmolLM2-135M-Instruct GGUF. */
    modelPath: string;
  }
}
