/// <reference types="vite/client" />
// A browser app that lists pipelines and reads one that does not exist, against the local endpoint.
// Start the endpoint with CORS on (`npx codepipeline-local --cors`), then `npm run dev` here.
import { CodePipelineClient, GetPipelineCommand, ListPipelinesCommand, PipelineNotFoundException } from "codepipeline-client";

const client = new CodePipelineClient({
  region: "us-east-1", // the local endpoint's region
  endpoint: import.meta.env.VITE_CODEPIPELINE_ENDPOINT ?? "http://127.0.0.1:7015",
  // The local endpoint's default keys. A real app gets temporary credentials (Amazon Cognito, or its own backend).
  credentials: { accessKeyId: "LOCALACCESSKEY", secretAccessKey: "LOCALSECRETKEY" },
  maxAttempts: 1, // fail fast when the endpoint is not running
});

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`index.html has no #${id}`);
  return found;
}

async function show(): Promise<void> {
  const status = element("status");
  const list = element("pipelines");
  try {
    const { pipelines = [] } = await client.send(new ListPipelinesCommand({}));
    for (const p of pipelines) {
      const item = document.createElement("li");
      item.textContent = `${p.name} (version ${p.version}, updated ${p.updated?.toISOString() ?? "never"})`;
      list.append(item);
    }
    // A typed error crosses CORS too: the endpoint exposes the error type and request id to the page.
    const missing = await client.send(new GetPipelineCommand({ name: "no-such-pipeline" })).catch((e: unknown) => e);
    const typed = missing instanceof PipelineNotFoundException ? `typed error ok (request ${missing.$metadata.requestId})` : "typed error missing";
    status.textContent = `${pipelines.length} pipeline(s); ${typed}`;
  } catch (e) {
    // With CORS off or the endpoint down, the message says which causes are likely.
    status.textContent = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  document.title = "done";
}

void show();
