// Benchmark only (benchmarks/call_batch.py): how fast a model would be built if every call the
// library makes from Python into aws-cdk-lib went to node in one jsii round trip. Not part of the
// library, never shipped.
declare const require: (id: string) => any;

/**
 * Runs a list of aws-cdk-lib (or constructs) calls in one jsii round trip.
 */
export class CallBatch {
  /**
   * Run `ops` in order and return the results of the ops that ask for theirs (null for the others).
   *
   * @param ops each op is ["new", keep, fqn, args], ["call", keep, target, method, args] or
   *   ["get", keep, target, property]; `fqn` is "<package>.<export path>", e.g.
   *   "aws-cdk-lib.aws_iam.Role"; a value {"$r": i} anywhere in target or args is the result of op i.
   */
  public static run(ops: any[]): any[] {
    const results: any[] = [];
    const kept: any[] = [];
    const deref = (value: any): any => {
      if (Array.isArray(value)) {
        return value.map(deref);
      }
      // Only plain objects (maps, structs) are walked: a class instance passed by reference is used as is.
      if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
        if (typeof value.$r === 'number' && Object.keys(value).length === 1) {
          return results[value.$r];
        }
        const out: any = {};
        for (const key of Object.keys(value)) {
          out[key] = deref(value[key]);
        }
        return out;
      }
      return value;
    };
    const exported = (fqn: string): any => {
      const [pkg, ...path] = fqn.split('.');
      let target = require(pkg);
      for (const part of path) {
        target = target[part];
      }
      if (typeof target !== 'function') {
        throw new Error(`CallBatch: ${fqn} is not a class`);
      }
      return target;
    };
    for (const op of ops) {
      const [kind, keep] = op;
      let result: any;
      if (kind === 'new') {
        const cls = exported(op[2]);
        result = new cls(...deref(op[3]));
      } else if (kind === 'call') {
        const target = deref(op[2]);
        result = target[op[3]](...deref(op[4]));
      } else if (kind === 'get') {
        result = deref(op[2])[op[3]];
      } else {
        throw new Error(`CallBatch: unknown op ${kind}`);
      }
      results.push(result);
      kept.push(keep ? result : null);
    }
    return kept;
  }
}
