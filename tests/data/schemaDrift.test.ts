/**
 * schema.prisma and the migrated database must agree: every model has its
 * table, every scalar field its column with the right type and nullability,
 * every index and unique constraint of the schema exists, and the tables hold
 * no column the schema does not know.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const require = createRequire(import.meta.url);
const wasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };

interface DmmfField {
  name: string;
  dbName?: string;
  kind: 'scalar' | 'enum' | 'object';
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType?: [string, string[]] | null;
}
interface DmmfModel { name: string; dbName: string | null; fields: DmmfField[] }
interface DmmfEnum { name: string; dbName: string | null; values: { name: string }[] }
interface DmmfIndex { model: string; type: 'id' | 'normal' | 'unique' | 'fulltext'; fields: { name: string }[] }

const schemaText = readFileSync(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8');
const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schemaText]] }))).datamodel as {
  models: DmmfModel[];
  enums: DmmfEnum[];
  indexes: DmmfIndex[];
};

/** Columns of `Unsupported("…")` fields: absent from DMMF, declared in the schema text. */
function unsupportedColumns(model: DmmfModel): string[] {
  const body = new RegExp(`model ${model.name} \\{([\\s\\S]*?)\\n\\}`).exec(schemaText)?.[1] ?? '';
  return [...body.matchAll(/^\s*(\w+)\s+Unsupported\("[^"]+"\)\??(?:.*@map\("([^"]+)"\))?/gm)].map((m) => m[2] ?? m[1]!);
}

/** What information_schema reports for a Prisma scalar (native type when given). */
function expectedType(f: DmmfField, enums: DmmfEnum[]): { data_type: string; udt_name: string } {
  if (f.kind === 'enum') {
    const e = enums.find((x) => x.name === f.type)!;
    return { data_type: f.isList ? 'ARRAY' : 'USER-DEFINED', udt_name: (f.isList ? '_' : '') + (e.dbName ?? e.name) };
  }
  const native = f.nativeType?.[0];
  const byNative: Record<string, string> = { Uuid: 'uuid', Timestamptz: 'timestamptz', Date: 'date', Text: 'text' };
  const byPrisma: Record<string, string> = {
    String: 'text',
    Int: 'int4',
    BigInt: 'int8',
    Boolean: 'bool',
    DateTime: 'timestamp',
    Json: 'jsonb',
    Float: 'float8',
    Decimal: 'numeric',
    Bytes: 'bytea',
  };
  const udt = (native && byNative[native]) || byPrisma[f.type];
  if (!udt) throw new Error(`no mapping for ${f.type}/${native}`);
  return { data_type: f.isList ? 'ARRAY' : '', udt_name: (f.isList ? '_' : '') + udt };
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

type Column = { table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: 'YES' | 'NO' };

describe('schema.prisma matches the migrated database', () => {
  it.each(dmmf.models.map((m) => [m.name, m] as const))('model %s', async (_name, model) => {
    const table = model.dbName ?? model.name;
    const columns = await t.db.$queryRaw<Column[]>`
      SELECT table_name, column_name, data_type, udt_name, is_nullable
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ${table}`;
    expect(columns.length, `table ${table} exists`).toBeGreaterThan(0);
    const byName = new Map(columns.map((c) => [c.column_name, c]));

    const scalarFields = model.fields.filter((f) => f.kind !== 'object');
    for (const f of scalarFields) {
      const col = byName.get(f.dbName ?? f.name);
      expect(col, `${table}.${f.dbName ?? f.name} exists`).toBeDefined();
      const want = expectedType(f, dmmf.enums);
      expect(col!.udt_name, `${table}.${col!.column_name} type`).toBe(want.udt_name);
      if (want.data_type) expect(col!.data_type).toBe(want.data_type);
      // Prisma creates list columns without NOT NULL; other required fields are NOT NULL.
      const nullable = !f.isRequired || f.isList;
      expect(col!.is_nullable, `${table}.${col!.column_name} nullability`).toBe(nullable ? 'YES' : 'NO');
    }

    const known = new Set([...scalarFields.map((f) => f.dbName ?? f.name), ...unsupportedColumns(model)]);
    const extra = columns.map((c) => c.column_name).filter((c) => !known.has(c));
    expect(extra, `columns of ${table} unknown to schema.prisma`).toEqual([]);
  });

  it('has every index and unique constraint the schema declares', async () => {
    const indexes = await t.db.$queryRaw<{ table: string; columns: string[]; unique: boolean }[]>`
      SELECT t.relname::text AS table, ix.indisunique AS unique,
             array_agg(a.attname::text ORDER BY k.ord) AS columns
      FROM pg_index ix
      JOIN pg_class t ON t.oid = ix.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
      CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      GROUP BY t.relname, ix.indexrelid, ix.indisunique`;
    const have = new Set(indexes.map((i) => `${i.table}(${i.columns.join(',')})${i.unique ? '!' : ''}`));
    for (const idx of dmmf.indexes) {
      const model = dmmf.models.find((m) => m.name === idx.model)!;
      const cols = idx.fields.map((f) => {
        const field = model.fields.find((x) => x.name === f.name);
        return field?.dbName ?? field?.name ?? unsupportedColumns(model).find((c) => c.replace(/_/g, '') === f.name.toLowerCase()) ?? f.name;
      });
      const key = `${model.dbName ?? model.name}(${cols.join(',')})${idx.type === 'normal' ? '' : '!'}`;
      expect(have.has(key), `index ${key}`).toBe(true);
    }
  });

  it('defines the enums the schema declares', async () => {
    const rows = await t.db.$queryRaw<{ name: string; values: string[] }[]>`
      SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`;
    for (const e of dmmf.enums) {
      const row = rows.find((r) => r.name === (e.dbName ?? e.name));
      expect(row?.values, `enum ${e.name}`).toEqual(e.values.map((v) => v.name));
    }
  });
});
