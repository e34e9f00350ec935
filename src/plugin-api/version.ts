/**
 * The version of the plugin contract (PluginScope, KernelApi, the extension
 * points and helpers exported by src/plugin-api), independent of LLMOS's own
 * version. Semver: a major bump means a plugin built for the old major may
 * break; plugins state the range they were built for in `apiVersion`.
 */
export const PLUGIN_API_VERSION = '1.2.0';
