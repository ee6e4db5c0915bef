import type { io } from '@tensorflow/tfjs-core';

/*
 * A TF.js IOHandler for model.json + weight shards on disk, for Node without tfjs-node (whose
 * `file://` handler is the only one TF.js has; `@tensorflow/tfjs` alone rejects `file://` URLs).
 * `node:fs` and `@cnn/core/node` load lazily, so the package still bundles for a browser.
 */
const FS_MODULE = 'node:fs/promises';
const PATH_MODULE = 'node:path';
const CORE_NODE_MODULE = '@cnn/core/node';
const nodeFs = (): Promise<typeof import('node:fs/promises')> => import(/* webpackIgnore: true */ /* @vite-ignore */ FS_MODULE);
const nodePath = (): Promise<typeof import('node:path')> => import(/* webpackIgnore: true */ /* @vite-ignore */ PATH_MODULE);
const coreNode = (): Promise<typeof import('@cnn/core/node')> => import(/* webpackIgnore: true */ /* @vite-ignore */ CORE_NODE_MODULE);

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, string: 0, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** Bytes the weights of a manifest group occupy (quantized weights at their stored width). */
function specBytes(spec: io.WeightsManifestEntry): number {
  const width = BYTES[spec.quantization?.dtype ?? spec.dtype];
  if (!width) throw new Error(`weight "${spec.name}" has dtype ${spec.quantization?.dtype ?? spec.dtype}, which fileSystemModel cannot size`);
  return spec.shape.reduce((a, b) => a * b, 1) * width;
}

/**
 * The model at `modelJson` (a TF.js `model.json` with its weight files beside it, as
 * `tfjs.converters`, `model.save('file://…')` or this handler's `save` write them), for
 * `tf.loadLayersModel(fileSystemModel(path))` or `tf.loadGraphModel(fileSystemModel(path))` in
 * Node. `model.save(fileSystemModel(path))` writes `model.json` and one `<name>.weights.bin`
 * beside it, each atomically. Errors name the file and what is wrong (missing file, not JSON, no
 * `modelTopology`, a weight file shorter or longer than its manifest says). Node only.
 */
export function fileSystemModel(modelJson: string): io.IOHandler {
  if (typeof modelJson !== 'string' || modelJson.trim() === '') throw new TypeError(`fileSystemModel: modelJson must be a path to a model.json file, got ${String(modelJson)}`);
  return {
    load: () => loadModelFiles(modelJson),
    save: (artifacts) => saveModelFiles(modelJson, artifacts),
  };
}

async function loadModelFiles(modelJson: string): Promise<io.ModelArtifacts> {
  const [fs, path] = await Promise.all([nodeFs(), nodePath()]);
  let json: io.ModelJSON;
  try {
    json = JSON.parse(await fs.readFile(modelJson, 'utf8')) as io.ModelJSON;
  } catch (error) {
    throw new Error(`fileSystemModel: cannot read ${modelJson}: ${(error as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || json.modelTopology == null) throw new Error(`fileSystemModel: ${modelJson} has no "modelTopology": not a TF.js model.json`);
  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw new Error(`fileSystemModel: ${modelJson}: "weightsManifest" must be an array`);
  const dir = path.dirname(modelJson);
  const weightSpecs: io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  for (const group of manifest) {
    const expected = group.weights.reduce((sum, spec) => sum + specBytes(spec), 0);
    const parts = await Promise.all(group.paths.map((p) => readShard(fs, path.join(dir, p))));
    const actual = parts.reduce((sum, b) => sum + b.byteLength, 0);
    if (actual !== expected) {
      throw new Error(`fileSystemModel: the weight files ${group.paths.join(', ')} of ${modelJson} hold ${actual} bytes, the manifest describes ${expected}`);
    }
    weightSpecs.push(...group.weights);
    chunks.push(...parts);
  }
  const weightData = new Uint8Array(chunks.reduce((sum, b) => sum + b.byteLength, 0));
  chunks.reduce((offset, b) => (weightData.set(b, offset), offset + b.byteLength), 0);
  const { modelTopology, format, generatedBy, convertedBy, trainingConfig, userDefinedMetadata, modelInitializer, signature } = json;
  return { modelTopology, format, generatedBy, convertedBy, trainingConfig, userDefinedMetadata, modelInitializer, signature, weightSpecs, weightData: weightData.buffer };
}

async function readShard(fs: typeof import('node:fs/promises'), file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch (error) {
    throw new Error(`fileSystemModel: cannot read weight file ${file}: ${(error as Error).message}`);
  }
}

async function saveModelFiles(modelJson: string, artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
  if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('fileSystemModel: saving a binary (protobuf) topology is not supported; save as JSON');
  const [path, core] = await Promise.all([nodePath(), coreNode()]);
  const weightsFile = `${path.basename(modelJson, '.json')}.weights.bin`;
  const data = artifacts.weightData;
  const bytes = data == null ? new Uint8Array(0) : Array.isArray(data) ? concat(data) : new Uint8Array(data);
  const { modelTopology, format, generatedBy, convertedBy, trainingConfig, userDefinedMetadata, modelInitializer, signature } = artifacts;
  const json = {
    modelTopology, format, generatedBy, convertedBy, trainingConfig, userDefinedMetadata, modelInitializer, signature,
    weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs ?? [] }],
  };
  // Weights first: a model.json never points at weights that are not there yet.
  await core.writeFileAtomic(path.join(path.dirname(modelJson), weightsFile), bytes);
  const text = JSON.stringify(json);
  await core.writeFileAtomic(modelJson, text);
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', modelTopologyBytes: text.length, weightDataBytes: bytes.byteLength } };
}

function concat(buffers: ArrayBuffer[]): Uint8Array {
  const out = new Uint8Array(buffers.reduce((sum, b) => sum + b.byteLength, 0));
  buffers.reduce((offset, b) => (out.set(new Uint8Array(b), offset), offset + b.byteLength), 0);
  return out;
}
