// The browser side of a minimal MCP Apps host, bundled for the page by
// mcp-host.ts. Like Claude Desktop, it talks MCP to the server itself
// (Streamable HTTP, same origin), reads the tool's ui:// resource, renders it
// in a sandboxed iframe and connects ext-apps' own host bridge (AppBridge) to
// it, so the app's tools/call requests go to the server through the bridge.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AppBridge, PostMessageTransport, RESOURCE_MIME_TYPE, getToolUiResourceUri } from '@modelcontextprotocol/ext-apps/app-bridge';

const HOST = { name: 'llmos-test-host', version: '1.0.0' };

/** Connects as the token's user, opens `toolName`'s app, calls the tool once and hands the result to the app; returns the result's text (what a plain client sees). */
async function openApp({ token, toolName }) {
  const client = new Client(HOST);
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', location.origin), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  const tool = (await client.listTools()).tools.find((t) => t.name === toolName);
  const uri = tool && getToolUiResourceUri(tool);
  if (!uri) throw new Error(`${toolName} declares no ui:// resource`);
  const page = (await client.readResource({ uri })).contents[0];
  if (page.mimeType !== RESOURCE_MIME_TYPE) throw new Error(`${uri} is ${page.mimeType}, not ${RESOURCE_MIME_TYPE}`);
  const iframe = Object.assign(document.createElement('iframe'), { id: 'app', title: uri });
  iframe.setAttribute('sandbox', 'allow-scripts'); // an opaque origin, as hosts give apps
  document.getElementById('frame').append(iframe);
  const bridge = new AppBridge(client, HOST, { serverTools: {} });
  bridge.onsizechange = ({ height }) => height && (iframe.style.height = `${height}px`);
  const initialized = new Promise((resolve) => (bridge.oninitialized = resolve));
  await bridge.connect(new PostMessageTransport(iframe.contentWindow, iframe.contentWindow));
  iframe.srcdoc = page.text;
  await initialized;
  await bridge.sendToolInput({ arguments: {} });
  const result = await client.callTool({ name: toolName, arguments: {} });
  await bridge.sendToolResult(result);
  document.getElementById('status').textContent = `${uri} connected`;
  return result.content.map((c) => c.text).join('\n');
}

globalThis.openApp = openApp;
