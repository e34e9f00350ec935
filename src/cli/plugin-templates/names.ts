/** The spellings of one plugin name that templates need. */
export interface PluginNames {
  /** lowercase kebab, as given: "my-policy". */
  name: string;
  /** For class names: "MyPolicy". */
  pascal: string;
  /** For function names: "myPolicy". */
  camel: string;
  /** For syscall names: "my_policy". */
  snake: string;
}

export function pluginNames(name: string): PluginNames {
  const parts = name.split('-');
  const pascal = parts.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return { name, pascal, camel: pascal[0].toLowerCase() + pascal.slice(1), snake: parts.join('_') };
}

/** Files of a scaffolded plugin: path relative to its folder → content. */
export type TemplateFiles = Record<string, string>;
