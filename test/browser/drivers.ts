// Opens the test page in one of three browsers from Debian's packages, with drivers that need no
// download: Chromium through playwright-core (DevTools protocol), Firefox ESR through
// puppeteer-core (WebDriver BiDi), WebKitGTK through WebKitWebDriver (W3C WebDriver, spoken here
// over fetch) in an Xvfb display of its own. Each run waits for the page to set its title to
// "done", takes a screenshot and returns the page's results and the errors it saw.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import net from "node:net";

export type BrowserName = "chromium" | "firefox" | "webkit";

export interface PageRun {
  /** What the browser calls itself, e.g. "Firefox 153.8.0esr". */
  version: string;
  title: string;
  /** `window.__results` of the page. */
  results: unknown;
  /** Uncaught errors and unhandled rejections (the driver's events plus the page's own record). */
  errors: string[];
  /** `window.__context` of the page: whether it is a secure context, with `crypto.subtle` and `crypto.randomUUID`. */
  context?: unknown;
}

export const BROWSERS: Record<BrowserName, { binary: string; debianPackages: string }> = {
  chromium: { binary: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", debianPackages: "chromium" },
  firefox: { binary: process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr", debianPackages: "firefox-esr" },
  webkit: { binary: process.env.WEBKIT_DRIVER_PATH ?? "/usr/bin/WebKitWebDriver", debianPackages: "webkit2gtk-driver xvfb" },
};

/** The browser WebKitWebDriver automates: WebKitGTK's MiniBrowser (package libwebkit2gtk-4.1-0). */
const MINIBROWSER = process.env.WEBKIT_BROWSER_PATH ?? "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const VIEWPORT = { width: 1100, height: 900 };
const DONE_TIMEOUT = 30_000;
/** Read in the page after it is done: its results and the errors it recorded itself. */
const READ = "return { title: document.title, results: window.__results, errors: window.__errors || [], context: window.__context }";
/** Chromium resolves this name to 127.0.0.1: a page from it on plain http is not a secure context. */
export const INSECURE_HOST = "insecure.test";

/** The browsers to run: all, or those `BROWSERS=chromium,firefox` names. */
export function selectedBrowsers(): BrowserName[] {
  const names = (process.env.BROWSERS ?? Object.keys(BROWSERS).join(","))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean) as BrowserName[];
  for (const name of names) if (!BROWSERS[name]) throw new Error(`unknown browser ${JSON.stringify(name)} in BROWSERS; known: ${Object.keys(BROWSERS).join(", ")}`);
  return names;
}

export async function runPage(name: BrowserName, url: string, screenshot: string): Promise<PageRun> {
  const { binary, debianPackages } = BROWSERS[name];
  if (!existsSync(binary)) throw new Error(`${binary} is missing: apt-get install -y ${debianPackages}`);
  if (name === "chromium") return chromium(binary, url, screenshot);
  if (name === "firefox") return firefox(binary, url, screenshot);
  return webkit(binary, url, screenshot);
}

type Read = { title: string; results: unknown; errors: string[]; context?: unknown };

async function chromium(executablePath: string, url: string, screenshot: string): Promise<PageRun> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run",
      `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`,
    ],
  });
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => document.title === "done", undefined, { timeout: DONE_TIMEOUT }).catch(() => {});
    await page.screenshot({ path: screenshot, fullPage: true });
    const read = (await page.evaluate(new Function(READ) as () => Read)) as Read;
    return { version: `Chromium ${browser.version()}`, title: read.title, results: read.results, errors: [...errors, ...read.errors], context: read.context };
  } finally {
    await browser.close();
  }
}

async function firefox(executablePath: string, url: string, screenshot: string): Promise<PageRun> {
  const puppeteer = (await import("puppeteer-core")).default;
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath,
    headless: true,
    defaultViewport: VIEWPORT,
    // No update checks, telemetry or remote settings: nothing leaves 127.0.0.1.
    extraPrefsFirefox: { "app.update.enabled": false, "network.captive-portal-service.enabled": false, "datareporting.policy.dataSubmissionEnabled": false },
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => document.title === "done", { timeout: DONE_TIMEOUT }).catch(() => {});
    await page.screenshot({ path: screenshot as `${string}.png`, fullPage: true });
    const read = (await page.evaluate(new Function(READ) as () => Read)) as Read;
    return { version: (await browser.version()).replace(/^firefox\//i, "Firefox "), title: read.title, results: read.results, errors: [...errors, ...read.errors], context: read.context };
  } finally {
    await browser.close();
  }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a process and ends it (and waits for that) when the run is over. */
function started(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const child: ChildProcess = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    child,
    output: () => output.slice(-2000),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/** An X display of its own for MiniBrowser: Xvfb picks a free display number and writes it to a pipe. */
async function xvfb() {
  const server = started("Xvfb", ["-displayfd", "1", "-screen", "0", `${VIEWPORT.width}x${VIEWPORT.height}x24`, "-nolisten", "tcp"], process.env);
  const deadline = Date.now() + 10_000;
  while (!/^\d+\n/m.test(server.output())) {
    if (server.child.exitCode !== null || Date.now() > deadline) {
      await server.stop();
      throw new Error(`Xvfb did not start (apt-get install -y xvfb): ${server.output()}`);
    }
    await sleep(50);
  }
  return { display: `:${/^(\d+)\n/m.exec(server.output())![1]}`, stop: server.stop };
}

async function webkit(driverPath: string, url: string, screenshot: string): Promise<PageRun> {
  if (!existsSync(MINIBROWSER)) throw new Error(`${MINIBROWSER} is missing (set WEBKIT_BROWSER_PATH): apt-get install -y webkit2gtk-driver`);
  const display = await xvfb();
  const port = await freePort();
  const driver = started(driverPath, [`--port=${port}`, "--host=127.0.0.1"], { ...process.env, DISPLAY: display.display });
  const base = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(base + path, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as { value: any };
    if (!response.ok) throw new Error(`WebKitWebDriver ${method} ${path}: ${response.status} ${JSON.stringify(json.value).slice(0, 500)}`);
    return json.value;
  };
  let session = "";
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const ready = await call("GET", "/status").then((v) => v?.ready === true, () => false);
      if (ready) break;
      if (driver.child.exitCode !== null || Date.now() > deadline) throw new Error(`WebKitWebDriver did not start: ${driver.output()}`);
      await sleep(100);
    }
    const created = await call("POST", "/session", {
      capabilities: {
        alwaysMatch: {
          "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] },
        },
      },
    });
    session = created.sessionId;
    const caps = created.capabilities ?? {};
    await call("POST", `/session/${session}/window/rect`, VIEWPORT).catch(() => {});
    await call("POST", `/session/${session}/url`, { url });
    const until = Date.now() + DONE_TIMEOUT;
    while ((await call("POST", `/session/${session}/execute/sync`, { script: "return document.title", args: [] })) !== "done" && Date.now() < until)
      await sleep(100);
    // WebKit paints on its own schedule: let two frames pass so the screenshot shows the finished page.
    const frames = "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
    await call("POST", `/session/${session}/execute/async`, { script: frames, args: [] });
    writeFileSync(screenshot, Buffer.from(await call("GET", `/session/${session}/screenshot`), "base64"));
    const read = (await call("POST", `/session/${session}/execute/sync`, { script: READ, args: [] })) as Read;
    return { version: `WebKitGTK ${caps.browserVersion ?? "?"}`, title: read.title, results: read.results, errors: read.errors, context: read.context };
  } finally {
    if (session) await call("DELETE", `/session/${session}`).catch(() => {});
    await driver.stop();
    await display.stop();
  }
}
