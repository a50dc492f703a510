/**
 * An MLmodel file (YAML) → the facts its card shows: flavors, the signature's inputs, outputs and
 * params as rows, and where the model came from. Unknown fields are ignored, missing ones absent.
 */
import { load } from 'js-yaml';

export interface SignatureColumn {
  name: string;
  /** `double`, `string`, or for tensors `tensor float32 (-1, 28, 28)`. */
  type: string;
  required: boolean;
}

export interface ModelCard {
  artifactPath?: string;
  runId?: string;
  modelUuid?: string;
  created?: string;
  mlflowVersion?: string;
  sizeBytes?: number;
  flavors: { name: string; details: [string, string][] }[];
  signature?: { inputs: SignatureColumn[]; outputs: SignatureColumn[]; params: SignatureColumn[] };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

/** The card of an MLmodel file's text; throws on YAML that is not a mapping. */
export function parseMlModel(text: string): ModelCard {
  const doc = load(text);
  if (!isObj(doc)) throw new Error('This MLmodel file is not a YAML mapping');
  const card: ModelCard = { flavors: [] };
  const set = <K extends keyof ModelCard>(key: K, value: ModelCard[K] | undefined) => {
    if (value !== undefined) card[key] = value;
  };
  set('artifactPath', str(doc.artifact_path));
  set('runId', str(doc.run_id));
  set('modelUuid', str(doc.model_uuid));
  set('created', str(doc.utc_time_created));
  set('mlflowVersion', str(doc.mlflow_version));
  set('sizeBytes', typeof doc.model_size_bytes === 'number' ? doc.model_size_bytes : undefined);
  if (isObj(doc.flavors)) {
    for (const [name, conf] of Object.entries(doc.flavors)) {
      const details: [string, string][] = [];
      if (isObj(conf))
        for (const [k, v] of Object.entries(conf)) {
          const shown = str(v) ?? (v === null || v === undefined ? undefined : JSON.stringify(v));
          if (shown !== undefined) details.push([k, shown]);
        }
      card.flavors.push({ name, details });
    }
  }
  if (isObj(doc.signature)) {
    card.signature = {
      inputs: signatureColumns(doc.signature.inputs),
      outputs: signatureColumns(doc.signature.outputs),
      params: signatureColumns(doc.signature.params),
    };
  }
  return card;
}

/** A signature part: MLflow stores it as a JSON string inside the YAML. */
function signatureColumns(value: unknown): SignatureColumn[] {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(isObj).map((col, i) => ({
    name: str(col.name) ?? (parsed.length === 1 ? '(unnamed)' : `#${i}`),
    type: columnType(col),
    required: col.required !== false,
  }));
}

function columnType(col: Obj): string {
  const spec = col['tensor-spec'];
  if (col.type === 'tensor' && isObj(spec)) {
    const shape = Array.isArray(spec.shape) ? ` (${spec.shape.join(', ')})` : '';
    return `tensor ${str(spec.dtype) ?? ''}${shape}`.trim();
  }
  if (col.type === 'array' && isObj(col.items)) return `array<${columnType(col.items)}>`;
  return str(col.type) ?? 'unknown';
}
