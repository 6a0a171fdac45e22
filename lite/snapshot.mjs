// Build-time half of the kernel's quick start (lite/snapshot.py runs it with Node): Pyodide from the site's own
// static/pyodide folder, in two steps, each a fresh Node process.
//
//   node snapshot.mjs modules FOLDER OUT.json   the modules a kernel has imported once its first cell,
//                                               `from autograder import check, show`, has run (the usual start)
//   node snapshot.mjs make FOLDER MODULES.json OUT.bin
//                                               a memory snapshot of Python with those modules imported, except
//                                               the ones that hold JavaScript objects (a snapshot cannot)
//
// Each prints one line of JSON about what it did. The wheels are unpacked by Python's zipfile and the module list
// is passed in a file: the snapshot must hold no reference to a JavaScript object, and every value passed
// between JavaScript and Python is one.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [step, folder, ...paths] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(`${folder}/pyodide.mjs`).href);
const quiet = { stdout: () => {}, stderr: (line) => process.stderr.write(`${line}\n`) };
// Kept out of the snapshot: they hold JavaScript objects (Pyodide's API as `pyodide_js`, which micropip and the
// kernel bind as they are imported) or set up the kernel itself; the kernel imports them at its start, in about
// a quarter of a second.
const LIVE = /^(pyodide_kernel|micropip|piplite|pyodide_js|js)(\.|$)/;

async function modules() {
  const lock = JSON.parse(readFileSync(`${folder}/pyodide-lock.json`, "utf8"));
  const pyodide = await loadPyodide({ indexURL: `${folder}/`, packages: Object.keys(lock.packages), ...quiet });
  await pyodide.runPythonAsync("import piplite.piplite\nimport pyodide_kernel\nfrom autograder import check, show");
  const names = pyodide.runPython("import sys\nimport json\njson.dumps(sorted(sys.modules))");
  writeFileSync(paths[0], names);
  return { modules: JSON.parse(names).length };
}

const MAKE = `
def _make():
    import gc, importlib, importlib.util, json, os, site, zipfile
    packages = site.getsitepackages()[0]
    for wheel in sorted(os.listdir("/tmp/wheels")):
        zipfile.ZipFile(f"/tmp/wheels/{wheel}").extractall(packages)
        os.remove(f"/tmp/wheels/{wheel}")
    importlib.invalidate_caches()
    # the kernel's mocks (pexpect, termios...) are in sys.modules before IPython is imported, as at its start
    spec = importlib.util.spec_from_file_location("_kernel_mocks", f"{packages}/pyodide_kernel/mocks.pyc")
    mocks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mocks)
    mocks.apply_mocks()
    failed = []
    for name in json.load(open("/tmp/modules.json")):
        try:
            importlib.import_module(name)
        except Exception as err:
            failed.append(f"{name}: {err!r}")
    gc.collect()
    with open("/tmp/made.json", "w") as out:
        json.dump({"site_packages": packages, "failed": failed}, out)
_make()
del _make
`;

async function make() {
  const pyodide = await loadPyodide({ indexURL: `${folder}/`, _makeSnapshot: true, ...quiet });
  pyodide.FS.mkdirTree("/tmp/wheels");
  for (const wheel of readdirSync(folder).filter((name) => name.endsWith(".whl"))) {
    pyodide.FS.writeFile(`/tmp/wheels/${wheel}`, readFileSync(`${folder}/${wheel}`));
  }
  const wanted = JSON.parse(readFileSync(paths[0], "utf8")).filter((name) => !LIVE.test(name));
  pyodide.FS.writeFile("/tmp/modules.json", JSON.stringify(wanted));
  pyodide.runPython(MAKE);
  const made = JSON.parse(pyodide.FS.readFile("/tmp/made.json", { encoding: "utf8" }));
  const zeroed = zeroFreeMemory(pyodide._module);
  const snapshot = pyodide.makeMemorySnapshot();
  writeFileSync(paths[1], snapshot);
  return { ...made, modules: wanted.length, bytes: snapshot.length, zeroed };
}

// The snapshot is all of the wasm memory, free parts included, and those still hold what was there before (the
// wheels' bytes, files read while importing): zeroed, they compress to nothing (1.3 of 15 MB compressed). Free
// blocks are taken from malloc, largest first, with the heap held at its size so none is made anew, zeroed and
// given back; the memory past the heap's end is zeroed too. Returns the bytes zeroed.
function zeroFreeMemory(module) {
  const taken = [];
  let zeroed = 0;
  module._malloc_set_footprint_limit(module._malloc_footprint());
  for (let size = 1 << 24; size >= 16;) {
    const block = module._malloc(size) >>> 0;
    if (!block) { size >>= 1; continue; }
    module.HEAPU8.fill(0, block, block + size);
    taken.push(block);
    zeroed += size;
  }
  for (const block of taken) module._free(block);
  module._malloc_set_footprint_limit(-1);  // no limit, as before
  module._malloc_trim(0);
  const end = module._sbrk(0) >>> 0;
  zeroed += module.HEAPU8.length - end;
  module.HEAPU8.fill(0, end);
  return zeroed;
}

const steps = { modules, make };
if (!(step in steps)) {
  process.stderr.write(`unknown step ${step}: use modules or make\n`);
  process.exit(2);
}
process.stdout.write(JSON.stringify(await steps[step]()) + "\n");
