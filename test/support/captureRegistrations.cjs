// Preloaded with --require: stands in for @azure/functions-core, the module the Functions worker injects, and
// prints every function registration as JSON on exit. This is how the worker itself receives them.
const Module = require('node:module');

const registrations = [];
const core = {
  setProgrammingModel() {},
  getProgrammingModel() {},
  registerFunction(metadata) {
    registrations.push(metadata);
    return { dispose() {} };
  },
  registerHook() {
    return { dispose() {} };
  },
};

const load = Module._load;
Module._load = function (request, ...rest) {
  return request === '@azure/functions-core' ? core : load.call(this, request, ...rest);
};
process.on('exit', () => process.stdout.write(JSON.stringify(registrations)));
