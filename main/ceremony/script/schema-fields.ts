// The fields a script may have at a given place, read from the schema itself, so an
// "unknown field" message can say which fields are allowed there. Follows the data
// down the path: objects by key, lists by element, unions by their discriminator.
import type { z } from 'zod';
import type { PathSegment } from './problems';

interface Def {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  discriminator?: string;
  values?: unknown[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Strips optional/default/nullable wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let depth = 0; depth < 16; depth++) {
    const def = defOf(current);
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') && def.innerType) current = def.innerType;
    else break;
  }
  return current;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The union option the data selects through the discriminator, or null. */
function pickOption(def: Def, data: unknown): z.ZodType | null {
  if (!def.options || !def.discriminator || !isRecord(data)) return null;
  const wanted = data[def.discriminator];
  for (const option of def.options) {
    const shape = defOf(unwrap(option)).shape;
    const literal = shape?.[def.discriminator];
    if (literal && (defOf(literal).values ?? []).includes(wanted)) return option;
  }
  return null;
}

/** The object schema at `path` in `root` for this data, or null where the path leaves the schema. */
function objectAt(root: z.ZodType, data: unknown, path: readonly PathSegment[]): Def | null {
  let schema = unwrap(root);
  let value = data;
  for (const segment of [...path, null]) {
    let def = defOf(schema);
    if (def.type === 'union') {
      const option = pickOption(def, value);
      if (!option) return null;
      schema = unwrap(option);
      def = defOf(schema);
    }
    if (segment === null) return def.type === 'object' ? def : null;
    if (def.type === 'object' && typeof segment === 'string' && def.shape?.[segment]) {
      schema = unwrap(def.shape[segment]);
      value = isRecord(value) ? value[segment] : undefined;
    } else if (def.type === 'array' && typeof segment === 'number' && def.element) {
      schema = unwrap(def.element);
      value = Array.isArray(value) ? value[segment] : undefined;
    } else {
      return null;
    }
  }
  return null;
}

/** Field names allowed in the object at `path`, in schema order; [] when unknown. */
export function allowedFields(root: z.ZodType, data: unknown, path: readonly PathSegment[]): string[] {
  const def = objectAt(root, data, path);
  return def?.shape ? Object.keys(def.shape) : [];
}
