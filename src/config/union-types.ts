/** A discriminated union of config entries, each member an object with a literal `type`. */
interface TypedUnion<T extends string> {
  options: readonly { shape: { type: { value: T } } }[];
}

/**
 * The `type` of every member of `schema`, in its order: a registry's list of kinds read from the
 * schema itself, so a kind added to the schema can't be missing from the list (or skipped by a
 * conformance suite that runs over it).
 */
export function unionTypes<T extends string>(schema: TypedUnion<T>): readonly T[] {
  return schema.options.map((option) => option.shape.type.value);
}
