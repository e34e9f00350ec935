import { RemoteModelOptions, remoteModelInfo, type ModelInfo } from '../../src/plugin-api/index.js';

/** One model behind the endpoint: in options.models, and (with kind, baseURL, api_key_env) in a model_register config. */
export const OpenAIModelOptions = RemoteModelOptions;
export type OpenAIModelOptions = RemoteModelOptions;

/** The model-table entry of one configured model; it always streams. */
export const modelInfo = (m: OpenAIModelOptions): ModelInfo => remoteModelInfo(m, 'model-openai');
