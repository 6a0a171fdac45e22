// The Pyodide kernel loads Pyodide through this module (jupyter-lite.json's pyodideUrl, set by lite/build.py).
//
// The quick start (issue 22, lite/snapshot.py): Python is restored from a memory snapshot made at build time with
// the kernel's packages and this course's package already imported (snapshot.bin.gz), and their files, which
// later imports still read, are written from one archive (site-packages.bin.gz). This replaces loading,
// unpacking and importing them: seconds of the reader's CPU. If the snapshot cannot be restored (an old browser,
// too little memory), Python starts the usual way, with the files from the same archive.
//
// Until the kernel itself has started, Python does not look at the notebook's drive: the drive is where the
// kernel's working folder is, and every look (an import not found, a configuration file searched) is a request
// that waits for the page, which is busy drawing the notebook then. So the working folder stays "/" and "" is
// off sys.path until the kernel's own start has run; then both are put back, "" last (a learner's own module
// in the drive is still importable, after the installed packages).
import { loadPyodide as loadRuntime } from "./pyodide.mjs";

const DRIVE = "/drive";

const RUNTIME = "pyodide.asm.wasm";  // kept gzipped in the site (a third of its size), unpacked as it arrives
const nativeFetch = globalThis.fetch;
const fetchFromNetwork = (...args) => nativeFetch.apply(globalThis, args);

function unpacked(response) {
  // the body, gunzipped, as a stream; a server that sent the file with "Content-Encoding: gzip" (Apache's
  // AddEncoding, nginx's gzip_static) has had the browser unpack it already
  const encoded = /gzip/i.test(response.headers.get("Content-Encoding") || "");
  return encoded ? response.body : response.body.pipeThrough(new DecompressionStream("gzip"));
}

async function fetchGzipped(name) {
  const response = await fetchFromNetwork(new URL(name, import.meta.url));
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return unpacked(response);
}

async function gunzipped(name) {
  return new Uint8Array(await new Response(await fetchGzipped(name)).arrayBuffer());
}

// Pyodide fetches its runtime itself, once the snapshot is in, and compiles it as it arrives: it is given the
// gzipped file, asked for from the start (alongside the snapshot), unpacked
let runtimeAsked = null;

async function fetchRuntime(resource, ...rest) {
  const url = new URL(resource instanceof Request ? resource.url : String(resource), location.href);
  if (url.href !== new URL(RUNTIME, import.meta.url).href) return fetchFromNetwork(resource, ...rest);
  const body = await (runtimeAsked ?? fetchGzipped(`${RUNTIME}.gz`));
  runtimeAsked = null;
  return new Response(body, { headers: { "Content-Type": "application/wasm" } });
}

function writeFiles(FS, archive) {
  // a 4-byte little-endian length, a JSON list of [path, size], then the files' bytes in that order
  const length = new DataView(archive.buffer, archive.byteOffset, 4).getUint32(0, true);
  const index = JSON.parse(new TextDecoder().decode(archive.subarray(4, 4 + length)));
  let offset = 4 + length;
  const folders = new Set();
  for (const [path, size] of index) {
    const folder = path.slice(0, path.lastIndexOf("/"));
    if (!folders.has(folder)) { FS.mkdirTree(folder); folders.add(folder); }
    FS.writeFile(path, archive.subarray(offset, offset + size), { canOwn: true });
    offset += size;
  }
}

async function restored(options) {
  const [snapshot, create] = await Promise.all([
    gunzipped("snapshot.bin.gz"), import("./pyodide.asm.mjs").then((module) => module.default)]);
  return loadRuntime({
    ...options, packages: [], _loadSnapshot: snapshot,
    // the wasm module's memory starts smaller than the snapshot: grow it (by allocating) before the restore
    createPyodideModule: async (settings) => {
      const module = await create(settings);
      if (snapshot.length > module.HEAP8.length) module._malloc(snapshot.length);
      return module;
    },
  });
}

async function started(options) {
  const files = gunzipped("site-packages.bin.gz");
  files.catch(() => {});  // awaited below, where a failure is reported: not an "uncaught (in promise)" before
  let pyodide;
  try {
    pyodide = await restored(options);
  } catch (error) {
    console.warn(`Python could not be restored from its snapshot (${error}); it starts the usual way.`);
    pyodide = await loadRuntime({ ...options, packages: [] });
  }
  writeFiles(pyodide.FS, await files);
  for (const name of Object.keys(pyodide.lockfile.packages)) pyodide.loadedPackages[name] = "site-packages.bin.gz";
  // a snapshot's random state would be the same at every start: draw a new one
  pyodide.runPython("import random\nrandom.seed()");
  return pyodide;
}

function driveAfterKernel(pyodide) {
  const { FS } = pyodide;
  const chdir = FS.chdir.bind(FS);
  const run = pyodide.runPythonAsync.bind(pyodide);
  let folder = null;
  pyodide.runPython("import sys\nif '' in sys.path:\n    sys.path.remove('')");
  FS.chdir = (path) => { if (String(path).startsWith(DRIVE)) folder = path; else chdir(path); };
  pyodide.runPythonAsync = async (code, ...rest) => {
    try {
      return await run(code, ...rest);
    } finally {
      if (code.includes("import pyodide_kernel")) {  // the kernel's own start (it may chdir into the drive)
        FS.chdir = chdir;
        pyodide.runPythonAsync = run;
        if (folder && !FS.cwd().startsWith(DRIVE)) chdir(folder);
        // IPython's start puts "" first again: last, it is still the notebook's folder, looked at after the rest
        pyodide.runPython("import sys\nwhile '' in sys.path:\n    sys.path.remove('')\nsys.path.append('')");
      }
    }
  };
}

export async function loadPyodide(options) {
  runtimeAsked = fetchGzipped(`${RUNTIME}.gz`);
  runtimeAsked.catch(() => {});  // Pyodide awaits it, and reports a failure
  globalThis.fetch = fetchRuntime;
  let pyodide;
  try {
    pyodide = await started(options);
  } catch (error) {
    console.error(`Python could not start: ${error?.message ?? error}`);  // names the file that failed
    throw error;
  } finally {
    globalThis.fetch = nativeFetch;
  }
  driveAfterKernel(pyodide);
  return pyodide;
}
