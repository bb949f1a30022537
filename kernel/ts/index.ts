// The node side of cdk_sagemaker_inference.constructs._batch (see its docstring for why it exists).
// Every aws-cdk-lib call made here is one the Python side would otherwise make through jsii itself,
// with the same arguments, in the same order: the templates are the same either way.
declare const require: ((id: string) => any) & { resolve(id: string): string; cache: Record<string, any> };
declare const setImmediate: (callback: () => void) => unknown;
declare const structuredClone: <T>(value: T) => T;
declare const process: { version: string; arch: string; pid: number; on(event: 'exit', listener: () => void): void };

const types: Record<string, any> = {};

/** Values sent once (`["const", id, value]`) and named by id later (`{"$batch:c": id}`); each use gets a copy. */
const constants: Record<number, any> = {};

/** The results of the operations the last run made (all of them, or those before the one that failed). */
let lastResults: any[] = [];

/** The run `lastResults` belongs to (the `run` argument of `runText`). */
let lastRun = -1;

/** The placeholder keys (namespaced: a plain object of the user's data is never taken for one). */
const RESULT = '$batch:r';
const OBJECT = '$batch:o';
const PATH = '$batch:p';
const CONSTANT = '$batch:c';
const HELD = '$batch:h';

/**
 * The operations of `runText`: `text` parsed, each `{"$batch:h": i}` replaced by `held[i]`, and a null
 * made undefined (left out of an object), as jsii's own deserializer makes it.
 */
function decode(value: any, held: any[]): any {
  if (value === null) {
    return undefined;
  }
  if (typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => decode(item, held));
  }
  if (HELD in value) {
    if (!Number.isInteger(value[HELD]) || value[HELD] < 0 || value[HELD] >= held.length) {
      throw new Error(`cdk-sagemaker-inference-kernel: no held value ${value[HELD]}`);
    }
    return held[value[HELD]];
  }
  const plain: Record<string, any> = {};
  for (const key of Object.keys(value)) {
    if (key === '__proto__') {
      throw new Error(`cdk-sagemaker-inference-kernel: key ${key} is not supported in maps`);
    }
    const item = decode(value[key], held);
    if (item !== undefined) {
      plain[key] = item;
    }
  }
  return plain;
}

/** The loads `Batch.warm` has queued, made one per turn of node's event loop (see `warmNext`). */
const warming: Array<() => unknown> = [];

/**
 * Makes the next queued load, then queues itself again. jsii's kernel reads the next request in a
 * callback it queues the same way after answering one, so a load runs between two requests, while Python
 * works on the answer: the caller waits for node only where a load takes longer than Python's own work.
 */
function warmNext(): void {
  const load = warming.shift();
  if (load === undefined) {
    return;
  }
  try {
    load();
  } catch {
    // (nothing a warm-up does may fail a request: each load of a group is also tried on its own)
  }
  if (warming.length > 0) {
    setImmediate(warmNext);
  }
}

/** CommonJS's module wrapper: what node's loader compiles a file's source in. */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const WRAPPER_TAIL = '\n});';

/** The scripts compiled without a code cache V8 took, and where theirs goes (see `saveCodeCaches`). */
const uncached: Array<{ script: any; filename: string; cacheFile: string }> = [];

/** Whether `useCodeCache` has hooked node's compile (once per process). */
let codeCacheHooked = false;

/**
 * From now on, compiles every CommonJS file of aws-cdk-lib (a path below `root`) that node's loader loads with the
 * V8 code cache kept in `cacheDir` for this node and this source, by content hash (V8 takes a code cache for any
 * source of the length it was made for: `SerializedCodeData::SourceHash` in V8's code-serializer.cc), and writes
 * the code cache of each file compiled without one when node exits (`saveCodeCaches`). Files outside aws-cdk-lib,
 * and what node compiles otherwise (ES modules, a file starting with `#!`), go to node's own compile.
 *
 * Hand-written because node's own compile cache (`module.enableCompileCache`) keys each entry by the module's
 * path, which jsii makes new in every process (a temporary directory of links), and keeps what V8 compiled
 * before the module ran, where a cache made at exit also holds the functions compiled while the app ran (node
 * compiles a function the first time it is called: most of aws-cdk-lib's synthesis).
 */
function useCodeCache(root: string, cacheDir: string): void {
  if (codeCacheHooked || cacheDir === '') {
    return;
  }
  codeCacheHooked = true;
  const Module = require('module');
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileCached(this: any, content: string, filename: string,
    ...rest: any[]): any {
    const format = rest[0];
    if (typeof filename !== 'string' || !filename.startsWith(root) || !filename.endsWith('.js')
      || (format !== undefined && format !== 'commonjs') || content.startsWith('#!')) {
      return compile.call(this, content, filename, ...rest);
    }
    const fs = require('fs');
    const path = require('path');
    const vm = require('vm');
    const key = require('crypto').createHash('sha256')
      .update(`${process.version} ${process.arch}\0`).update(content).digest('hex');
    const cacheFile = path.join(cacheDir, `${key}.v8`);
    let cachedData: unknown;
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
    const script = new vm.Script(WRAPPER_HEAD + content + WRAPPER_TAIL, {
      filename,
      columnOffset: -WRAPPER_HEAD.length,
      cachedData,
      importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    if (cachedData === undefined || script.cachedDataRejected) {
      uncached.push({ script, filename, cacheFile });
    }
    return script.runInThisContext().call(this.exports, this.exports, Module.createRequire(filename), this, filename,
      path.dirname(filename));
  };
  process.on('exit', () => saveCodeCaches());
}

/**
 * Writes the code cache of each script compiled without one (of those in `files`, when given): when node exits
 * (after the app's synth: the functions compiled while it ran are in the cache), and for the warm-up's files,
 * whose functions have run when they are loaded, between two requests after the warm-up (see `warm`). To a file
 * of this process, renamed into place, so that a process reading the cache never sees half a file.
 */
function saveCodeCaches(files?: string[]): void {
  const fs = require('fs');
  const saved = uncached.filter(({ filename }) => files === undefined || files.includes(filename));
  uncached.splice(0, uncached.length, ...uncached.filter((entry) => !saved.includes(entry)));
  for (const { script, cacheFile } of saved) {
    const partial = `${cacheFile}.${process.pid}.partial`;
    try {
      fs.writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(partial, cacheFile);
    } catch {
      try {
        fs.rmSync(partial, { force: true });
      } catch {
        // (the cache is an optimization: a directory that refuses it changes nothing else)
      }
    }
  }
}

/** The class (or enum) named by a jsii fully qualified name, e.g. `aws-cdk-lib.aws_iam.Role`. */
function typeNamed(fqn: string): any {
  let found = types[fqn];
  if (found === undefined) {
    const [assembly, ...path] = fqn.split('.');
    found = require(assembly);
    for (const name of path) {
      found = found?.[name];
    }
    if (found === undefined) {
      throw new Error(`cdk-sagemaker-inference-kernel: no type ${fqn}`);
    }
    types[fqn] = found;
  }
  return found;
}

/** Walks `path` from `value`: each step a property name; a step ending in '?' may be absent. */
function walk(value: any, path: string[] | undefined): any {
  for (const step of path ?? []) {
    const optional = step.endsWith('?');
    const name = optional ? step.slice(0, -1) : step;
    if (value === undefined || value === null) {
      if (optional) return undefined;
      throw new Error(`cdk-sagemaker-inference-kernel: cannot read ${name} of ${value}`);
    }
    value = value[name];
    if (value === undefined && !optional) {
      throw new Error(`cdk-sagemaker-inference-kernel: no property ${name}`);
    }
  }
  return value;
}

/**
 * Replaces the placeholders in `value`: `{"$batch:r": i, "$batch:p": path}` is the result of operation
 * `i` (then `path`), `{"$batch:o": object, "$batch:p": path}` a property path of an object,
 * `{"$batch:c": id}` a copy of a constant. Objects that are not plain (constructs, durations) are
 * passed as they are.
 */
function resolve(value: any, results: any[]): any {
  if (Array.isArray(value)) {
    return value.map((item) => resolve(item, results));
  }
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) {
    return value;
  }
  if (RESULT in value) {
    return walk(results[value[RESULT]], value[PATH]);
  }
  if (OBJECT in value) {
    return walk(value[OBJECT], value[PATH]);
  }
  if (CONSTANT in value) {
    if (!(value[CONSTANT] in constants)) {
      throw new Error(`cdk-sagemaker-inference-kernel: no constant ${value[CONSTANT]}`);
    }
    return structuredClone(constants[value[CONSTANT]]);
  }
  const plain: Record<string, any> = {};
  for (const [key, item] of Object.entries(value)) {
    plain[key] = resolve(item, results);
  }
  return plain;
}

/** Runs a list of aws-cdk-lib calls in one jsii round trip. */
export class Batch {
  /**
   * Runs `operations` in order and returns the results of those listed in `wanted`.
   *
   * Each operation is a list: `["new", fqn, args]` (a constructor), `["call", target, method, args]`
   * (`"call?"`: nothing when the target is absent), `["static", fqn, method, args]`, `["get", value]`
   * (a placeholder's value), `["concat", parts]` (strings joined), `["count", list, fqn, method]` (how
   * many elements of `list` the static predicate `fqn.method` holds for, e.g. `CfnResource.isCfnResource`)
   * or `["const", id, value]` (a value later operations name as `{"$batch:c": id}`). Arguments may hold placeholders (see `resolve`). A
   * failing operation stops the run with its error: the operations before it have been made, as they
   * would have been one call at a time, and `made` returns their results.
   *
   * @param operations the calls
   * @param wanted the indexes of the results to return
   */
  private static runAll(operations: any[], wanted: number[]): any[] {
    const results: any[] = [];
    lastResults = results;
    for (const operation of operations) {
      results.push(Batch.runOne(operation, results));
    }
    return wanted.map((index) => results[index] ?? null);
  }

  /**
   * `runAll` with the operations as JSON text: the values that are not plain JSON (objects, enums, structs) are
   * in `held`, named in the text as `{"$batch:h": i}`. jsii (de)serializes a value typed `any` value by
   * value, at a cost per value; a string is one value. The results come back the same way: the first
   * element is the JSON text of the wanted results, in which each result that is not a string, number,
   * boolean or null is `{"$batch:h": i}`, the element `i` of the returned list.
   *
   * @param text the calls, as JSON
   * @param held the values the text names by index
   * @param wanted the indexes of the results to return
   * @param run the caller's number for this run (see `made`)
   */
  public static runText(text: string, held: any[], wanted: number[], run: number): any[] {
    lastRun = run;
    lastResults = []; // (a text that cannot be read made nothing)
    const objects: any[] = [];
    const results = Batch.runAll(decode(JSON.parse(text), held), wanted).map((result) => {
      if (result === null || ['string', 'number', 'boolean'].includes(typeof result)) {
        return result;
      }
      objects.push(result);
      return { [HELD]: objects.length };
    });
    return [JSON.stringify(results), ...objects];
  }

  /**
   * The results of the operations run `run` made, in order (after a failure: those before it); none when that
   * run never reached node (jsii refused an argument before sending it).
   *
   * @param run the number the caller gave `runText`
   */
  public static made(run: number): any[] {
    return run === lastRun ? lastResults.map((result) => result ?? null) : [];
  }

  /**
   * Queues loads of aws-cdk-lib, made after this call has returned, one group between two requests (see
   * `warmNext`): node loads the modules the first constructs will need while Python works. Each load is
   * a type, by its jsii name (e.g. `aws-cdk-lib.aws_iam.Role`), or a file of aws-cdk-lib, by its path in
   * the package (it has a '/'). With a `cacheDir`, every file of aws-cdk-lib node loads from now on (these
   * and those the app's calls load) is compiled with the V8 code cache kept there (see `useCodeCache`).
   * Returns the files that do not exist (skipped).
   *
   * @param groups the loads, in the order to make them; the loads of a group are made together
   * @param cacheDir the directory of the code caches, or an empty string
   */
  public static warm(groups: string[][], cacheDir: string): string[] {
    const root = require.resolve('aws-cdk-lib').replace(/index\.js$/, '');
    const fs = require('fs');
    const missing = groups.flat().filter((load) => load.includes('/') && !fs.existsSync(root + load));
    const idle = warming.length === 0;
    useCodeCache(root, cacheDir);
    const load = (name: string): void => {
      if (name.includes('/')) {
        require(root + name);
      } else {
        typeNamed(name);
      }
    };
    for (const group of groups) {
      const present = group.filter((name) => !missing.includes(name));
      warming.push(() => {
        for (const name of present) {
          try {
            load(name);
          } catch {
            // (a name that does not resolve is skipped: the call that needs it fails as it would have)
          }
        }
      });
    }
    const files = groups.flat().filter((name) => name.includes('/') && !missing.includes(name));
    if (files.length > 0) {
      warming.push(() => saveCodeCaches(files.map((name) => root + name)));
    }
    if (idle && warming.length > 0) {
      setImmediate(warmNext);
    }
    return missing;
  }

  private static runOne(operation: any[], results: any[]): any {
    switch (operation[0]) {
      case 'new': {
        const Type = typeNamed(operation[1]);
        return new Type(...resolve(operation[2], results));
      }
      case 'call':
      case 'call?': {
        const target = resolve(operation[1], results);
        if ((target === undefined || target === null) && operation[0] === 'call?') {
          return undefined;
        }
        return target[operation[2]](...resolve(operation[3], results));
      }
      case 'static':
        return typeNamed(operation[1])[operation[2]](...resolve(operation[3], results));
      case 'get':
        return resolve(operation[1], results);
      case 'concat':
        return resolve(operation[1], results).join('');
      case 'count': {
        const Type = typeNamed(operation[2]);
        return resolve(operation[1], results).filter((item: any) => Type[operation[3]](item)).length;
      }
      case 'const':
        constants[operation[1]] = resolve(operation[2], results);
        return undefined;
      default:
        throw new Error(`cdk-sagemaker-inference-kernel: unknown operation ${operation[0]}`);
    }
  }

  private constructor() {}
}
