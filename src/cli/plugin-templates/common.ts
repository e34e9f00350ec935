import type { PluginNames, TemplateFiles } from './names.js';

/** What a kind adds to the common files. */
export interface KindTemplate {
  /** What `provides` lists. */
  provides: string;
  /** One line for package.json and the README. */
  summary: string;
  /** The implementation's file name, without ".ts". */
  implFile: string;
  impl(n: PluginNames): string;
  /** index.ts: the definePlugin() default export. */
  index(n: PluginNames): string;
  /** <name>.test.ts: runs the kit's contract suite. */
  test(n: PluginNames): string;
}

/** The plugin API range scaffolded plugins declare. */
export const API_RANGE = '^1.0.0';

const packageJson = (n: PluginNames, k: KindTemplate) =>
  JSON.stringify(
    {
      name: n.name,
      version: '0.1.0',
      description: k.summary,
      type: 'module',
      main: 'dist/index.js',
      scripts: { build: 'tsc -p tsconfig.json', test: 'vitest run' },
      devDependencies: { '@types/node': '^20.19.0', typescript: '^5.9.0', vitest: '^4.1.0' },
    },
    null,
    2,
  ) + '\n';

const tsconfig =
  JSON.stringify(
    {
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023'], types: ['node'], strict: true, skipLibCheck: true, rootDir: '.', outDir: 'dist' },
      include: ['*.ts'],
      exclude: ['*.test.ts', 'dist'],
    },
    null,
    2,
  ) + '\n';

const readme = (n: PluginNames, k: KindTemplate) => `# ${n.name}

An LLMOS plugin (provides: ${k.provides}). ${k.summary}

- \`index.ts\`: the plugin (name, version, the plugin API range it was built for, register()).
- \`${k.implFile}.ts\`: the implementation.
- \`${n.name}.test.ts\`: runs LLMOS's contract suite for this extension point.

## Develop

\`llmos/plugin-api\` must resolve here: install your LLMOS checkout (\`npm install /path/to/llmos\`,
or \`npm link\` in the checkout and \`npm link llmos\` here); the checkout must be built (\`npm run build\`).

    npm install
    npm test          # the contract suite (vitest)
    npm run build     # compiles to dist/

## Enable

Add it to \`llmos.plugins.json\` (the module is the compiled entry), then check with \`llmos plugins\`:

    { "name": "${n.name}", "module": "/path/to/${n.name}/dist/index.js" }

See "Writing a plugin" in the LLMOS README for the lifecycle and what \`scope.kernel\` offers.
`;

/** Every file of a plugin of kind `k`. */
export function renderPlugin(n: PluginNames, k: KindTemplate): TemplateFiles {
  return {
    'package.json': packageJson(n, k),
    'tsconfig.json': tsconfig,
    'README.md': readme(n, k),
    'index.ts': k.index(n),
    [`${k.implFile}.ts`]: k.impl(n),
    [`${n.name}.test.ts`]: k.test(n),
  };
}
