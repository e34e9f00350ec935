import { RemoteModelOptions, remoteModelInfo, z, type ModelInfo } from '../../src/plugin-api/index.js';

/** One model behind the endpoint: the fields a model_register config shares with options.models. */
export const OpenAIModelOptions = RemoteModelOptions;
export type OpenAIModelOptions = RemoteModelOptions;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * One model of options.models: it may sit at its own endpoint, so one plugin
 * entry serves OpenAI, OpenRouter and a local server side by side. Only the
 * (trusted) config file has these two fields; a model_register config names
 * its endpoint as baseURL and passes the egress check.
 */
export const ConfiguredModelOptions = OpenAIModelOptions.extend({
  base_url: z.string().url().optional().describe('This model\'s endpoint; default: the plugin\'s base_url.'),
  api_key_env: z.string().regex(ENV_NAME).optional().describe('Variable holding this model\'s key. Default: the plugin\'s api_key_env at the plugin\'s base_url, no key at another base_url.'),
});
export type ConfiguredModelOptions = z.output<typeof ConfiguredModelOptions>;

/** Where one configured model is called and with which key variable ("" sends none). The plugin's key never goes to another endpoint unless named. */
export function endpointOf(m: ConfiguredModelOptions, o: { base_url: string; api_key_env: string }): { base_url: string; api_key_env: string } {
  const base_url = m.base_url ?? o.base_url;
  return { base_url, api_key_env: m.api_key_env ?? (base_url === o.base_url ? o.api_key_env : '') };
}

/** The model-table entry of one model served at baseUrl (which picks its list price when pricing is unset); it always streams. */
export const modelInfo = (m: OpenAIModelOptions, baseUrl: string): ModelInfo => remoteModelInfo(m, 'model-openai', baseUrl);
