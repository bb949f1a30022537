// Parse every Mermaid diagram given as JSON on stdin ([{"where": ..., "text": ...}]) with Mermaid's own
// parser, in one node process (mermaid needs a DOM: jsdom provides it). Prints a JSON list of
// {"where", "error"} for the diagrams that do not parse; exit 0 either way (the test reads the list).
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!DOCTYPE html><html><body></body></html>", { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
globalThis.Element = dom.window.Element;
Object.defineProperty(globalThis, "navigator", { value: dom.window.navigator, configurable: true });

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

let input = "";
for await (const chunk of process.stdin) input += chunk;
const failures = [];
for (const { where, text } of JSON.parse(input)) {
  try {
    await mermaid.parse(text);
  } catch (error) {
    failures.push({ where, error: String(error && error.message ? error.message : error).slice(0, 500) });
  }
}
process.stdout.write(JSON.stringify(failures));
